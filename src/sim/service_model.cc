#include "service_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "crescendo/sim/node_pool.h"
#include "sim/queueing.h"

namespace crescendo::sim {
namespace {

// The kubelet's container restart back-off: 10 s, doubling, at most 5 min
// (kubernetes/kubernetes pkg/kubelet/kubelet.go: backOffPeriod, MaxContainerBackOff). An entry
// not updated for twice the maximum has expired (client-go util/flowcontrol/backoff.go,
// hasExpired).
constexpr Duration kBackOffPeriod = seconds(10);
constexpr Duration kMaxContainerBackOff = seconds(300);

// How long the VPA updater lets an in-place resize stay Deferred before it evicts the pod
// (kubernetes/autoscaler vertical-pod-autoscaler/pkg/updater/restriction/
// pods_inplace_restriction.go, DeferredResizeUpdateTimeout).
constexpr Duration kDeferredResizeTimeout = minutes(5);

// Writes `n` in base 36, five digits, as a stand-in for the random suffix Kubernetes gives pod
// names (deterministic here, so runs are reproducible).
std::string PodSuffix(int64_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(5, '0');
  for (int i = 4; i >= 0 && n > 0; --i, n /= 36) out[static_cast<size_t>(i)] = kDigits[n % 36];
  return out;
}

// Returns what one ready pod's queue serves at most: its M/M/c throughput or, with a latency
// curve, its capacity at the curve's last utilization.
double QueueMaxRps(const PodModel& pod) {
  double rps = pod.latency_curve.empty() ? pod.workers_per_pod * 1000.0 / pod.service_time_ms
                                         : pod.capacity_rps * pod.latency_curve.back().utilization;
  return std::max(rps, 0.0);
}

// Returns what one ready pod with the CPU limit `cpu_limit_millis` serves at most: its queue's
// throughput, and no more than the limit pays for.
double MaxRpsPerPod(const PodModel& pod, int64_t cpu_limit_millis) {
  double rps = QueueMaxRps(pod);
  if (cpu_limit_millis > 0 && pod.cpu_millis_per_request > 0) {
    rps = std::min(rps, (static_cast<double>(cpu_limit_millis) - pod.cpu_base_millis) /
                            pod.cpu_millis_per_request);
  }
  return std::max(rps, 0.0);
}

// The order in which a ReplicaSet deletes pods on scale-down, most deletable first (as
// kubernetes/kubernetes pkg/controller/controller_utils.go, ActivePods.Less): unscheduled before
// scheduled; Pending before Running; not ready before ready; ready for less time before
// longer; more restarts before fewer; newer before older.
bool DeleteBefore(const PodState& a, const PodRuntime& ra, const PodState& b,
                  const PodRuntime& rb) {
  if (ra.scheduled != rb.scheduled) return !ra.scheduled;
  if (a.phase != b.phase) return a.phase == PodPhase::kPending;
  if (a.ready != b.ready) return !a.ready;
  if (a.ready && a.ready_transition_time != b.ready_transition_time) {
    return a.ready_transition_time > b.ready_transition_time;
  }
  int32_t restarts_a = a.containers.front().restarts;
  int32_t restarts_b = b.containers.front().restarts;
  if (restarts_a != restarts_b) return restarts_a > restarts_b;
  return ra.created > rb.created;
}

// Returns how long the kubelet waits before restarting a container that crashed at `now`, and
// advances its back-off as the kubelet does at the restart (pkg/kubelet/kuberuntime/
// kuberuntime_manager.go doBackOff: no wait unless IsInBackOffSince(finishedAt), then Next):
// no wait after the first crash or once the entry expired, then the back-off, doubling.
Duration RestartDelay(PodRuntime& rt, Timestamp now) {
  bool expired = rt.backoff.count() == 0 || now - rt.backoff_updated > 2 * kMaxContainerBackOff;
  Duration delay = expired ? Duration{} : rt.backoff;
  rt.backoff = expired ? kBackOffPeriod : std::min(2 * rt.backoff, kMaxContainerBackOff);
  rt.backoff_updated = now + delay;
  return delay;
}

// Returns whether a one-container pod is of QoS class Guaranteed: cpu and memory limits set and
// equal to the requests (pkg/apis/core/helper/qos GetPodQOS). Requests here are always set, so a
// pod that is not Guaranteed is Burstable.
bool Guaranteed(const Resources& requests, const Resources& limits) {
  return limits.cpu_millis > 0 && limits.memory_bytes > 0 && requests == limits;
}

// Returns whether Kubernetes 1.33 accepts resizing `from` to `to` in place with resizePolicy
// NotRequired: no memory limit decrease (nor removal), no limit removed, the same QoS class.
bool ResizableInPlace(const ContainerState& from, const ContainerResources& to) {
  if (from.limits.memory_bytes > 0 && to.limits.memory_bytes < from.limits.memory_bytes) {
    return false;
  }
  if (from.limits.cpu_millis > 0 && to.limits.cpu_millis == 0) return false;
  return Guaranteed(from.requests, from.limits) == Guaranteed(to.requests, to.limits);
}

// Returns the usage of a container that runs but is not Ready: the base, CPU throttled to the
// limit. Sets `throttled`.
double StartingCpuMillis(const PodModel& pod, const ContainerState& c, bool& throttled) {
  auto limit = static_cast<double>(c.limits.cpu_millis);
  throttled = c.limits.cpu_millis > 0 && pod.cpu_base_millis > limit;
  return throttled ? limit : pod.cpu_base_millis;
}

std::string Amounts(const Resources& r) {
  return "cpu " + std::to_string(r.cpu_millis) + "m, memory " + std::to_string(r.memory_bytes) +
         " bytes";
}

}  // namespace

double PodLatencyMs(const PodModel& pod, double rps_per_pod) {
  if (!pod.latency_curve.empty()) {
    return std::min(CurveLatencyMs(pod.latency_curve, rps_per_pod / pod.capacity_rps),
                    pod.request_timeout_ms);
  }
  std::optional<double> w =
      MmcResponseTimeMs(pod.workers_per_pod, rps_per_pod, 1000.0 / pod.service_time_ms);
  return w ? std::min(*w, pod.request_timeout_ms) : pod.request_timeout_ms;
}

PodLoad ServeReadyPod(const PodModel& pod, int64_t cpu_limit_millis, double offered_rps) {
  const double queue_max = QueueMaxRps(pod);
  const auto limit = static_cast<double>(cpu_limit_millis);
  const double demand =
      pod.cpu_base_millis + pod.cpu_millis_per_request * std::min(offered_rps, queue_max);
  PodLoad out;
  out.throttled = cpu_limit_millis > 0 && demand > limit;
  double stretch = 1;
  double taken = offered_rps;
  if (out.throttled) {
    stretch = demand / limit;
    if (pod.cpu_millis_per_request > 0) {
      taken = std::min(taken,
                       std::max(0.0, (limit - pod.cpu_base_millis) / pod.cpu_millis_per_request));
    }
  }
  const bool saturated = taken * stretch > queue_max;
  out.served_rps = saturated ? queue_max / stretch : taken;
  out.latency_ms = saturated ? pod.request_timeout_ms
                             : std::min(pod.request_timeout_ms,
                                        stretch * PodLatencyMs(pod, out.served_rps * stretch));
  out.cpu_millis =
      out.throttled ? limit : pod.cpu_base_millis + pod.cpu_millis_per_request * out.served_rps;
  return out;
}

ServiceModel::ServiceModel(const ServiceSpec& spec, uint64_t seed, Timestamp start, NodePool* nodes)
    : pod_(spec.pod),
      business_(spec.business_metrics),
      nodes_(nodes),
      rng_(seed),
      now_(start),
      max_rps_per_pod_(sim::MaxRpsPerPod(spec.pod, spec.pod.cpu_limit_millis)),
      business_values_(spec.business_metrics.size(), 0.0) {
  state_.id = spec.id;
  state_.pod_requests = spec.pod.requests;
  state_.template_containers = {spec.pod.Container()};
  stats_.id = spec.id;
  Timestamp settled = start - std::chrono::hours(1);
  for (int32_t i = 0; i < spec.initial_replicas; ++i) {
    CreatePod(settled);
    PodRuntime& rt = runtime_.back();
    if (nodes_ != nullptr) rt.node = nodes_->TryPlace(state_.pod_requests);
    rt.scheduled = nodes_ == nullptr || rt.node >= 0;
    if (!rt.scheduled) continue;  // the initial nodes are too few: it waits like any other pod
    rt.running_at = settled;
    PodState& pod = state_.pods.back();
    pod.phase = PodPhase::kRunning;
    pod.ready = true;
    pod.start_time = settled;
    pod.ready_transition_time = settled + rt.startup;
  }
  state_.spec_replicas = spec.initial_replicas;
  state_.status_replicas = spec.initial_replicas;
  stats_.min_replicas = stats_.max_replicas = spec.initial_replicas;
  AdvancePods(start);
}

void ServiceModel::CreatePod(Timestamp now) {
  const ContainerResources& t = state_.template_containers.front();
  PodState pod;
  pod.name = state_.id.name + "-" + PodSuffix(next_pod_++);
  pod.requests = t.requests;
  pod.containers.push_back(ContainerState{t.name, t.requests, t.limits, 0, std::nullopt});
  PodRuntime rt;
  rt.created = now;
  rt.allocated = t.requests;
  rt.scheduling = pod_.SchedulingDelay().Sample(rng_);
  rt.startup = pod_.StartupDelay().Sample(rng_);
  state_.pods.push_back(std::move(pod));
  runtime_.push_back(rt);
  ++version_;
}

void ServiceModel::RemovePod(size_t i) {
  if (nodes_ != nullptr && runtime_[i].node >= 0) {
    nodes_->Release(runtime_[i].node, runtime_[i].allocated);
  }
  state_.pods.erase(state_.pods.begin() + static_cast<std::ptrdiff_t>(i));
  runtime_.erase(runtime_.begin() + static_cast<std::ptrdiff_t>(i));
  ++version_;
}

void ServiceModel::DeletePods(int32_t count) {
  std::vector<size_t> order(state_.pods.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::partial_sort(order.begin(), order.begin() + count, order.end(), [&](size_t a, size_t b) {
    return DeleteBefore(state_.pods[a], runtime_[a], state_.pods[b], runtime_[b]);
  });
  order.resize(static_cast<size_t>(count));
  std::sort(order.rbegin(), order.rend());  // erase from the back so indices stay valid
  for (size_t i : order) RemovePod(i);
}

Status ServiceModel::SetReplicas(int32_t replicas, Timestamp now) {
  if (replicas < 0) {
    return InvalidArgumentError(state_.id.ToString() + ": replicas must be >= 0, found " +
                                std::to_string(replicas));
  }
  if (replicas == state_.spec_replicas) return Status::Ok();
  ++stats_.scaling_actions;
  state_.spec_replicas = replicas;
  int32_t have = static_cast<int32_t>(state_.pods.size());
  for (int32_t i = have; i < replicas; ++i) CreatePod(now);
  if (have > replicas) DeletePods(have - replicas);
  state_.status_replicas = static_cast<int32_t>(state_.pods.size());
  return Status::Ok();
}

Status ServiceModel::CheckContainer(const ContainerResources& c) const {
  const std::string where = state_.id.ToString() + ": container \"" + c.name + "\": ";
  if (c.name != pod_.container_name) {
    return NotFoundError(where + "no such container (the pod has \"" + pod_.container_name + "\")");
  }
  if (c.requests.cpu_millis <= 0 || c.requests.memory_bytes <= 0) {
    return InvalidArgumentError(where + "requests must be > 0, found " + Amounts(c.requests));
  }
  if (c.limits.cpu_millis < 0 || c.limits.memory_bytes < 0) {
    return InvalidArgumentError(where + "limits must be >= 0 (0: no limit), found " +
                                Amounts(c.limits));
  }
  if ((c.limits.cpu_millis > 0 && c.limits.cpu_millis < c.requests.cpu_millis) ||
      (c.limits.memory_bytes > 0 && c.limits.memory_bytes < c.requests.memory_bytes)) {
    return InvalidArgumentError(where + "limits (" + Amounts(c.limits) +
                                ") must not be below the requests (" + Amounts(c.requests) + ")");
  }
  return Status::Ok();
}

void ServiceModel::SetTemplate(const ContainerResources& c) {
  state_.template_containers.front() = c;
  state_.pod_requests = c.requests;
  pod_.requests = c.requests;
  pod_.cpu_limit_millis = c.limits.cpu_millis;
  pod_.memory_limit_bytes = c.limits.memory_bytes;
  max_rps_per_pod_ = sim::MaxRpsPerPod(pod_, pod_.cpu_limit_millis);
}

Status ServiceModel::ApplyResources(const ResourceUpdate& update, Timestamp now) {
  ContainerResources next = state_.template_containers.front();
  for (const ContainerResources& c : update.containers) {
    CRESCENDO_RETURN_IF_ERROR(CheckContainer(c));
    next = c;
  }
  SetTemplate(next);
  if (update.method == ResizeMethod::kTemplateOnly) return Status::Ok();
  for (const std::string& name : update.pods) {
    auto it = std::find_if(state_.pods.begin(), state_.pods.end(),
                           [&](const PodState& p) { return p.name == name; });
    if (it == state_.pods.end() || it->phase != PodPhase::kRunning) continue;
    auto i = static_cast<size_t>(it - state_.pods.begin());
    if (update.method == ResizeMethod::kRecreate) {
      const ContainerState& c = it->containers.front();
      if (c.requests != next.requests || c.limits != next.limits) Recreate(i, now);
    } else {
      ResizeInPlace(i, now);
    }
  }
  return Status::Ok();
}

void ServiceModel::SetPodRequests(const Resources& requests) {
  ContainerResources c = state_.template_containers.front();
  c.requests = requests;
  ApplyResources({{c}, ResizeMethod::kTemplateOnly, {}}, now_).IgnoreError();  // see REQUIRES
}

// An evicted pod is deleted and its ReplicaSet replaces it at once (the eviction does not wait
// for the graceful termination: the pod leaves the endpoints as it starts).
void ServiceModel::Recreate(size_t i, Timestamp now) {
  RemovePod(i);
  CreatePod(now);
  ++stats_.recreations;
}

void ServiceModel::ResizeInPlace(size_t i, Timestamp now) {
  const ContainerResources& want = state_.template_containers.front();
  PodRuntime& rt = runtime_[i];
  if (rt.resize == ResizeStatus::kInProgress) CompleteResize(i);
  rt.resize = ResizeStatus::kNone;
  const ContainerState& c = state_.pods[i].containers.front();
  if (c.requests == want.requests && c.limits == want.limits) return;
  if (!ResizableInPlace(c, want)) {
    Recreate(i, now);
    return;
  }
  rt.resize_to = want;
  rt.resize_requested = now;
  rt.resize = AdmitResize(i);
}

// The kubelet admits a resize when the pod's node holds the new requests (allocation_manager.go
// canResizePod): Infeasible above the node's allocatable, Deferred while it lacks room.
ResizeStatus ServiceModel::AdmitResize(size_t i) {
  PodRuntime& rt = runtime_[i];
  const Resources& want = rt.resize_to.requests;
  if (nodes_ != nullptr && rt.node >= 0) {
    const Resources& allocatable = nodes_->allocatable();
    if (want.cpu_millis > allocatable.cpu_millis || want.memory_bytes > allocatable.memory_bytes) {
      return ResizeStatus::kInfeasible;
    }
    if (!nodes_->TryResize(rt.node, rt.allocated, want)) return ResizeStatus::kDeferred;
  }
  rt.allocated = want;
  return ResizeStatus::kInProgress;
}

void ServiceModel::CompleteResize(size_t i) {
  PodState& pod = state_.pods[i];
  PodRuntime& rt = runtime_[i];
  ContainerState& c = pod.containers.front();
  c.requests = rt.resize_to.requests;
  c.limits = rt.resize_to.limits;
  pod.requests = c.requests;
  rt.resize = ResizeStatus::kNone;
  ++stats_.resizes;
}

// Puts admitted resizes in force, retries deferred ones, and recreates the pods whose resize is
// infeasible or deferred too long, as the VPA's InPlaceOrRecreate does.
void ServiceModel::ProgressResizes(Timestamp now) {
  recreate_.clear();
  for (size_t i = 0; i < state_.pods.size(); ++i) {
    PodRuntime& rt = runtime_[i];
    if (rt.resize == ResizeStatus::kInProgress) {
      CompleteResize(i);
    } else if (rt.resize == ResizeStatus::kDeferred) {
      rt.resize = AdmitResize(i);
      if (rt.resize == ResizeStatus::kDeferred &&
          now - rt.resize_requested > kDeferredResizeTimeout)
        recreate_.push_back(i);
    } else if (rt.resize == ResizeStatus::kInfeasible) {
      recreate_.push_back(i);
    }
  }
  // From the back: a replacement is appended, and the indices below stay valid.
  for (auto i = recreate_.rbegin(); i != recreate_.rend(); ++i) Recreate(*i, now);
}

void ServiceModel::AdvancePods(Timestamp now) {
  ready_pods_ = 0;
  for (size_t i = 0; i < state_.pods.size(); ++i) {
    PodState& pod = state_.pods[i];
    PodRuntime& rt = runtime_[i];
    if (!rt.scheduled) {
      if (nodes_ == nullptr) {
        rt.scheduled = true;
        rt.running_at = rt.created + rt.scheduling;
      } else if ((rt.node = nodes_->TryPlace(pod.requests)) >= 0) {
        rt.scheduled = true;
        rt.running_at = std::max(now, rt.created + rt.scheduling);
      }
    }
    if (rt.scheduled && pod.phase == PodPhase::kPending && rt.running_at <= now) {
      pod.phase = PodPhase::kRunning;
      pod.start_time = rt.running_at;
      ++version_;
    }
    if (rt.waiting && rt.running_at <= now) {  // the back-off is over: the container restarts
      rt.waiting = false;
      ++pod.containers.front().restarts;
      ++stats_.restarts;
      ++version_;
    }
    if (pod.phase == PodPhase::kRunning && !pod.ready && !rt.waiting &&
        rt.running_at + rt.startup <= now) {
      pod.ready = true;
      pod.ready_transition_time = rt.running_at + rt.startup;
      ++version_;
    }
    ready_pods_ += pod.ready ? 1 : 0;
  }
}

// A container killed for exceeding its memory limit loses the requests it had in flight; the pod
// stays Running, is not Ready until its startup delay passes again, and its container restarts
// at once or after the kubelet's back-off (see the header).
void ServiceModel::OomKill(size_t i, double in_flight, Timestamp now) {
  PodState& pod = state_.pods[i];
  PodRuntime& rt = runtime_[i];
  ContainerState& c = pod.containers.front();
  lost_in_flight_ += in_flight;
  ++stats_.oom_kills;
  ++version_;
  if (pod.ready) --ready_pods_;
  pod.ready = false;
  c.last_oom_kill = now;
  rt.startup = pod_.StartupDelay().Sample(rng_);
  Duration delay = RestartDelay(rt, now);
  rt.running_at = now + delay;
  rt.waiting = delay.count() > 0;
  rt.served_rps = 0;
  rt.throttled = false;
  rt.cpu_millis = 0;
  rt.memory_bytes = 0;
  if (rt.waiting) return;
  ++c.restarts;
  ++stats_.restarts;
  rt.cpu_millis = StartingCpuMillis(pod_, c, rt.throttled);
  rt.memory_bytes = pod_.memory_base_bytes;
}

ServiceModel::ReadyGroup& ServiceModel::GroupFor(int64_t cpu_limit_millis, double share) {
  for (ReadyGroup& g : groups_) {
    if (g.cpu_limit_millis == cpu_limit_millis) return g;
  }
  ReadyGroup& g = groups_.emplace_back();
  g.cpu_limit_millis = cpu_limit_millis;
  g.load = ServeReadyPod(pod_, cpu_limit_millis, share);
  double in_flight = g.load.served_rps * g.load.latency_ms / 1000.0;
  g.memory_bytes = pod_.memory_base_bytes + pod_.memory_bytes_per_request * in_flight;
  g.max_rps = sim::MaxRpsPerPod(pod_, cpu_limit_millis);
  return g;
}

void ServiceModel::Serve(Timestamp now) {
  const int32_t ready = ready_pods_;
  const double share = ready > 0 ? load_rps_ / ready : 0;
  groups_.clear();
  lost_in_flight_ = 0;
  usage_ = {};
  for (size_t i = 0; i < state_.pods.size(); ++i) {
    const PodState& pod = state_.pods[i];
    PodRuntime& rt = runtime_[i];
    const ContainerState& c = pod.containers.front();
    rt.served_rps = rt.cpu_millis = rt.memory_bytes = 0;
    rt.throttled = false;
    if (pod.phase != PodPhase::kRunning) continue;
    if (!rt.waiting) {
      ReadyGroup* g = pod.ready ? &GroupFor(c.limits.cpu_millis, share) : nullptr;
      if (g != nullptr) {
        ++g->pods;
        rt.served_rps = g->load.served_rps;
        rt.cpu_millis = g->load.cpu_millis;
        rt.throttled = g->load.throttled;
        rt.memory_bytes = g->memory_bytes;
      } else {
        rt.cpu_millis = StartingCpuMillis(pod_, c, rt.throttled);
        rt.memory_bytes = pod_.memory_base_bytes;
      }
      if (c.limits.memory_bytes > 0 && rt.memory_bytes > c.limits.memory_bytes) {
        if (g != nullptr) ++g->killed;
        OomKill(i, g != nullptr ? rt.served_rps * g->load.latency_ms / 1000.0 : 0, now);
      }
    }
    usage_.cpu_allocated_millis += static_cast<double>(c.requests.cpu_millis);
    usage_.memory_allocated_bytes += static_cast<double>(c.requests.memory_bytes);
    usage_.cpu_used_millis += rt.cpu_millis;
    usage_.memory_used_bytes += rt.memory_bytes;
    usage_.throttled_pods += rt.throttled ? 1 : 0;
  }
  ServeServiceLevel(ready, share);
}

// The service's figures from its groups of Ready pods (before this step's OOM kills): what was
// dropped, the mean latency of what was served, and the Ready capacity left.
void ServiceModel::ServeServiceLevel(int32_t ready, double share) {
  dropped_rps_ = ready > 0 ? 0 : load_rps_;
  latency_ms_ = ready > 0 ? 0 : pod_.request_timeout_ms;
  ready_capacity_rps_ = 0;
  double served = 0;
  for (const ReadyGroup& g : groups_) served += g.pods * g.load.served_rps;
  double weight_sum = 0;
  for (const ReadyGroup& g : groups_) {
    dropped_rps_ += (share - g.load.served_rps) * g.pods;
    ready_capacity_rps_ += (g.pods - g.killed) * g.max_rps;
    // Weighted by what each group serves (by pods when nothing is served); the running mean
    // is exact when every group has the same latency.
    double weight = served > 0 ? g.pods * g.load.served_rps : g.pods;
    weight_sum += weight;
    if (weight_sum > 0) latency_ms_ += (g.load.latency_ms - latency_ms_) * (weight / weight_sum);
  }
}

void ServiceModel::Accumulate(double dt) {
  int32_t pods = static_cast<int32_t>(state_.pods.size());
  stats_.peak_load_rps = std::max(stats_.peak_load_rps, load_rps_);
  stats_.min_replicas = std::min(stats_.min_replicas, pods);
  stats_.max_replicas = std::max(stats_.max_replicas, pods);
  if (load_rps_ > ready_pods_ * pod_.capacity_rps) stats_.seconds_over_target += dt;
  stats_.pod_hours += pods * dt / 3600.0;
  stats_.cost = stats_.pod_hours * pod_.cost_per_pod_hour;
  stats_.dropped_requests += dropped_rps_ * dt + lost_in_flight_;
  stats_.cpu_allocated_millis_seconds += usage_.cpu_allocated_millis * dt;
  stats_.cpu_used_millis_seconds += usage_.cpu_used_millis * dt;
  stats_.memory_allocated_byte_seconds += usage_.memory_allocated_bytes * dt;
  stats_.memory_used_byte_seconds += usage_.memory_used_bytes * dt;
  stats_.throttled_seconds += usage_.throttled_pods * dt;
  double spare_rps = ready_capacity_rps_ - load_rps_;
  for (size_t i = 0; i < business_.size(); ++i) {
    const BusinessMetricSpec& m = business_[i];
    if (m.kind == BusinessMetricSpec::Kind::kPerRequest) {
      business_values_[i] = m.per_rps * load_rps_;
    } else {
      business_values_[i] = std::max(0.0, business_values_[i] - m.per_rps * spare_rps * dt);
    }
  }
}

void ServiceModel::Step(Timestamp now, double load_rps) {
  double dt = ToSeconds(now - now_);
  now_ = now;
  load_rps_ = load_rps;
  ProgressResizes(now);
  AdvancePods(now);
  Serve(now);
  Accumulate(dt);
}

}  // namespace crescendo::sim

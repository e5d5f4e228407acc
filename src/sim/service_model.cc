#include "service_model.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "crescendo/sim/node_pool.h"

namespace crescendo::sim {
namespace {

// Writes `n` in base 36, five digits, as a stand-in for the random suffix Kubernetes gives pod
// names (deterministic here, so runs are reproducible).
std::string PodSuffix(int64_t n) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out(5, '0');
  for (int i = 4; i >= 0 && n > 0; --i, n /= 36) out[static_cast<size_t>(i)] = kDigits[n % 36];
  return out;
}

// Returns what one ready pod can serve: its queue's throughput (M/M/c) or, with a latency curve,
// its capacity at the curve's last utilization; never more than its CPU limit allows.
double MaxRpsPerPod(const PodModel& pod) {
  double rps = pod.latency_curve.empty() ? pod.workers_per_pod * 1000.0 / pod.service_time_ms
                                         : pod.capacity_rps * pod.latency_curve.back().utilization;
  if (pod.cpu_limit_millis > 0 && pod.cpu_millis_per_request > 0) {
    rps = std::min(rps, (pod.cpu_limit_millis - pod.cpu_base_millis) / pod.cpu_millis_per_request);
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
  if (ra.restarts != rb.restarts) return ra.restarts > rb.restarts;
  return ra.created > rb.created;
}

}  // namespace

ServiceModel::ServiceModel(const ServiceSpec& spec, uint64_t seed, Timestamp start, NodePool* nodes)
    : pod_(spec.pod),
      business_(spec.business_metrics),
      nodes_(nodes),
      rng_(seed),
      now_(start),
      max_rps_per_pod_(sim::MaxRpsPerPod(spec.pod)),
      business_values_(spec.business_metrics.size(), 0.0) {
  state_.id = spec.id;
  state_.pod_requests = spec.pod.requests;
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
  PodState pod;
  pod.name = state_.id.name + "-" + PodSuffix(next_pod_++);
  pod.requests = state_.pod_requests;
  PodRuntime rt;
  rt.created = now;
  rt.scheduling = pod_.SchedulingDelay().Sample(rng_);
  rt.startup = pod_.StartupDelay().Sample(rng_);
  state_.pods.push_back(std::move(pod));
  runtime_.push_back(rt);
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
  for (size_t i : order) {
    if (nodes_ != nullptr && runtime_[i].node >= 0) {
      nodes_->Release(runtime_[i].node, state_.pods[i].requests);
    }
    state_.pods.erase(state_.pods.begin() + static_cast<std::ptrdiff_t>(i));
    runtime_.erase(runtime_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  ++version_;
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
    if (pod.phase == PodPhase::kRunning && !pod.ready && rt.running_at + rt.startup <= now) {
      pod.ready = true;
      pod.ready_transition_time = rt.running_at + rt.startup;
      ++version_;
    }
    ready_pods_ += pod.ready ? 1 : 0;
  }
}

double PodLatencyMs(const PodModel& pod, double rps_per_pod) {
  if (!pod.latency_curve.empty()) {
    return std::min(CurveLatencyMs(pod.latency_curve, rps_per_pod / pod.capacity_rps),
                    pod.request_timeout_ms);
  }
  std::optional<double> w =
      MmcResponseTimeMs(pod.workers_per_pod, rps_per_pod, 1000.0 / pod.service_time_ms);
  return w ? std::min(*w, pod.request_timeout_ms) : pod.request_timeout_ms;
}

// A container killed for exceeding its memory limit restarts: the pod stays Running, is not
// Ready until its startup delay passes again, and the requests it had in flight are lost.
void ServiceModel::OomKill(size_t i, Timestamp now) {
  PodState& pod = state_.pods[i];
  PodRuntime& rt = runtime_[i];
  lost_in_flight_ += rt.served_rps * latency_ms_ / 1000.0;
  ++rt.restarts;
  ++stats_.oom_kills;
  ++version_;
  pod.ready = false;
  rt.running_at = now;
  rt.startup = pod_.StartupDelay().Sample(rng_);
  rt.served_rps = 0;
  rt.cpu_millis = pod_.cpu_base_millis;
  rt.memory_bytes = pod_.memory_base_bytes;
  --ready_pods_;
}

void ServiceModel::Serve(Timestamp now) {
  double share = ready_pods_ > 0 ? load_rps_ / ready_pods_ : 0;
  double served = std::min(share, max_rps_per_pod_);
  dropped_rps_ = ready_pods_ > 0 ? (share - served) * ready_pods_ : load_rps_;
  latency_ms_ =
      ready_pods_ == 0 || share > max_rps_per_pod_ ? pod_.request_timeout_ms : LatencyMs(served);
  double in_flight = served * latency_ms_ / 1000.0;
  double cpu_ready = pod_.cpu_base_millis + pod_.cpu_millis_per_request * served;
  if (pod_.cpu_limit_millis > 0) cpu_ready = std::min(cpu_ready, double(pod_.cpu_limit_millis));
  double memory_ready = pod_.memory_base_bytes + pod_.memory_bytes_per_request * in_flight;
  bool oom = pod_.memory_limit_bytes > 0 && memory_ready > pod_.memory_limit_bytes;
  lost_in_flight_ = 0;
  for (size_t i = 0; i < state_.pods.size(); ++i) {
    const PodState& pod = state_.pods[i];
    PodRuntime& rt = runtime_[i];
    bool running = pod.phase == PodPhase::kRunning;
    rt.served_rps = pod.ready ? served : 0;
    rt.cpu_millis = pod.ready ? cpu_ready : running ? pod_.cpu_base_millis : 0;
    rt.memory_bytes = pod.ready ? memory_ready : running ? pod_.memory_base_bytes : 0;
    if (pod.ready && oom) OomKill(i, now);
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
  double spare_rps = ready_pods_ * max_rps_per_pod_ - load_rps_;
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
  AdvancePods(now);
  Serve(now);
  Accumulate(dt);
}

}  // namespace crescendo::sim

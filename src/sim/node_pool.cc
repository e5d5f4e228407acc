#include "crescendo/sim/node_pool.h"

#include <algorithm>
#include <cmath>

namespace crescendo::sim {

Status NodePoolSpec::Validate() const {
  if (capacity.cpu_millis <= 0 || capacity.memory_bytes <= 0) {
    return InvalidArgumentError("nodes.capacity: cpu and memory must be > 0");
  }
  if (min_nodes < 0 || max_nodes < 1 || min_nodes > max_nodes) {
    return InvalidArgumentError(
        "nodes: expected 0 <= min_nodes <= max_nodes and max_nodes >= 1, "
        "found min_nodes " +
        std::to_string(min_nodes) + ", max_nodes " + std::to_string(max_nodes));
  }
  if (provisioning.mean.count() < 0 || empty_node_removal.count() < 0) {
    return InvalidArgumentError("nodes: provisioning delay and empty_node_removal must be >= 0");
  }
  if (cost_per_node_hour < 0) return InvalidArgumentError("nodes.cost_per_node_hour must be >= 0");
  return Status::Ok();
}

NodePool::NodePool(const NodePoolSpec& spec, uint64_t seed, Timestamp start)
    : spec_(spec), rng_(seed), now_(start) {
  nodes_.resize(static_cast<size_t>(spec.min_nodes), Node{start, start, {}, 0, false});
}

bool NodePool::Fits(const Node& node, const Resources& requests, Timestamp now) const {
  return !node.removed && node.ready_at <= now &&
         node.used.cpu_millis + requests.cpu_millis <= spec_.capacity.cpu_millis &&
         node.used.memory_bytes + requests.memory_bytes <= spec_.capacity.memory_bytes;
}

int32_t NodePool::TryPlace(const Resources& requests) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Node& node = nodes_[i];
    if (!Fits(node, requests, now_)) continue;
    node.used.cpu_millis += requests.cpu_millis;
    node.used.memory_bytes += requests.memory_bytes;
    ++node.pods;
    return static_cast<int32_t>(i);
  }
  pending_.cpu_millis += requests.cpu_millis;
  pending_.memory_bytes += requests.memory_bytes;
  return -1;
}

void NodePool::Release(int32_t node_index, const Resources& requests) {
  Node& node = nodes_[static_cast<size_t>(node_index)];
  node.used.cpu_millis -= requests.cpu_millis;
  node.used.memory_bytes -= requests.memory_bytes;
  if (--node.pods == 0) node.empty_since = now_;
}

bool NodePool::TryResize(int32_t node_index, const Resources& from, const Resources& to) {
  Node& node = nodes_[static_cast<size_t>(node_index)];
  Resources after{node.used.cpu_millis - from.cpu_millis + to.cpu_millis,
                  node.used.memory_bytes - from.memory_bytes + to.memory_bytes};
  bool shrink = to.cpu_millis <= from.cpu_millis && to.memory_bytes <= from.memory_bytes;
  if (!shrink && (after.cpu_millis > spec_.capacity.cpu_millis ||
                  after.memory_bytes > spec_.capacity.memory_bytes)) {
    return false;
  }
  node.used = after;
  return true;
}

int32_t NodePool::ready_nodes() const {
  return static_cast<int32_t>(std::count_if(nodes_.begin(), nodes_.end(), [&](const Node& n) {
    return !n.removed && n.ready_at <= now_;
  }));
}

int32_t NodePool::total_nodes() const {
  return static_cast<int32_t>(
      std::count_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return !n.removed; }));
}

// Provisions nodes for `pending` requests, counting the room on nodes still provisioning, as the
// cluster autoscaler's scale-up estimates the nodes pending pods need.
void NodePool::ProvisionFor(Resources pending, Timestamp now) {
  for (const Node& node : nodes_) {
    if (node.removed || node.ready_at <= now) continue;
    pending.cpu_millis -= spec_.capacity.cpu_millis - node.used.cpu_millis;
    pending.memory_bytes -= spec_.capacity.memory_bytes - node.used.memory_bytes;
  }
  double by_cpu = static_cast<double>(pending.cpu_millis) / spec_.capacity.cpu_millis;
  double by_memory = static_cast<double>(pending.memory_bytes) / spec_.capacity.memory_bytes;
  int32_t wanted = static_cast<int32_t>(std::ceil(std::max(by_cpu, by_memory)));
  for (int32_t k = 0; k < wanted && total_nodes() < spec_.max_nodes; ++k) {
    Node fresh{now + spec_.provisioning.Sample(rng_), now, {}, 0, false};
    auto slot = std::find_if(nodes_.begin(), nodes_.end(), [](const Node& n) { return n.removed; });
    if (slot != nodes_.end()) {
      *slot = fresh;
    } else {
      nodes_.push_back(fresh);
    }
  }
}

void NodePool::RemoveIdle(Timestamp now) {
  int32_t alive = total_nodes();
  for (Node& node : nodes_) {
    if (alive <= spec_.min_nodes) return;
    if (node.removed || node.pods > 0 || node.ready_at > now) continue;
    if (now - std::max(node.empty_since, node.ready_at) < spec_.empty_node_removal) continue;
    node.removed = true;
    --alive;
  }
}

void NodePool::Advance(Timestamp now) {
  node_seconds_ += ToSeconds(now - now_) * total_nodes();
  now_ = now;
}

void NodePool::Reconcile() {
  if (pending_.cpu_millis > 0 || pending_.memory_bytes > 0) ProvisionFor(pending_, now_);
  pending_ = {};
  RemoveIdle(now_);
}

}  // namespace crescendo::sim

// NodePool: the nodes of a simulated cluster, with capacity and a provisioning delay.
//
// Pods are placed first-fit on ready nodes by their requests. A pod that fits nowhere stays
// Pending and, like the cluster autoscaler, the pool provisions enough new nodes for the
// pending requests (up to max_nodes); a new node is ready after a provisioning delay. A node
// that stays empty for `empty_node_removal` is removed (never below min_nodes).
// Costs accrue per node-hour for every node that exists, provisioning ones included.
//
// Thread safety: not thread-safe.
#ifndef CRESCENDO_SIM_NODE_POOL_H_
#define CRESCENDO_SIM_NODE_POOL_H_

#include <cstdint>
#include <vector>

#include "crescendo/base/random.h"
#include "crescendo/base/status.h"
#include "crescendo/base/time.h"
#include "crescendo/model/resources.h"
#include "crescendo/sim/distribution.h"

namespace crescendo::sim {

struct NodePoolSpec {
  Resources capacity{4000, 16LL << 30};  // allocatable per node
  DelaySpec provisioning{DelayDistribution::kUniform, std::chrono::seconds(90),
                         std::chrono::seconds(30)};
  int32_t min_nodes = 1;
  int32_t max_nodes = 1000;
  Duration empty_node_removal = std::chrono::minutes(10);  // cluster autoscaler's default
  double cost_per_node_hour = 0.20;

  // Errors: InvalidArgument naming the field that is wrong.
  Status Validate() const;
};

class NodePool {
 public:
  // Starts with spec.min_nodes ready nodes. REQUIRES: spec.Validate().ok().
  NodePool(const NodePoolSpec& spec, uint64_t seed, Timestamp start);

  // Places a pod requesting `requests` on a ready node and returns its index, or returns -1
  // and counts the requests as pending (see Advance()).
  int32_t TryPlace(const Resources& requests);
  // Frees what a pod placed on `node` requested.
  void Release(int32_t node, const Resources& requests);
  // Changes what a pod placed on `node` holds from `from` to `to` (an in-place resize) when the
  // node has room for the difference, as the kubelet admits a resize (the node's requests less
  // the pod's old ones, plus its new ones, within allocatable). A shrink always fits. Returns
  // false, changing nothing, when it does not fit; the difference is not counted as pending:
  // the cluster autoscaler does not provision nodes for resizes.
  bool TryResize(int32_t node, const Resources& from, const Resources& to);
  // Returns a node's allocatable resources (the spec's capacity).
  const Resources& allocatable() const { return spec_.capacity; }
  // Accrues node-hours up to `now` and makes the nodes provisioned by then ready. Call before
  // placing the tick's pods.
  void Advance(Timestamp now);
  // Provisions nodes for the requests that found no room since the last call, and removes nodes
  // empty for too long. Call after placing the tick's pods.
  void Reconcile();

  int32_t ready_nodes() const;
  // Returns the nodes that exist, ready or provisioning.
  int32_t total_nodes() const;
  double node_hours() const { return node_seconds_ / 3600; }
  double cost() const { return node_hours() * spec_.cost_per_node_hour; }

 private:
  struct Node {
    Timestamp ready_at;
    Timestamp empty_since;
    Resources used;
    int32_t pods = 0;
    bool removed = false;
  };
  bool Fits(const Node& node, const Resources& requests, Timestamp now) const;
  void ProvisionFor(Resources pending, Timestamp now);
  void RemoveIdle(Timestamp now);

  NodePoolSpec spec_;
  Random rng_;
  // Removed nodes stay (flagged) so indices remain valid; new nodes reuse their slots.
  std::vector<Node> nodes_;
  Timestamp now_;
  Resources pending_;
  double node_seconds_ = 0;
};

}  // namespace crescendo::sim

#endif  // CRESCENDO_SIM_NODE_POOL_H_

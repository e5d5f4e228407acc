// CopyMapReusing: makes one std::map equal to another while keeping the nodes (and through
// `assign`, the values' own storage) of the keys both hold. Strategy states are copied every
// tick for every workload; their maps differ by a pod or two between ticks, so nearly every
// node and buffer is reused.
//
// Thread safety: as the maps'.
#ifndef CRESCENDO_SRC_VERTICAL_MAP_COPY_H_
#define CRESCENDO_SRC_VERTICAL_MAP_COPY_H_

namespace crescendo::vertical {

// Makes `to` equal to `from`: erases keys `from` lacks, copy-inserts keys `to` lacks and calls
// assign(to_value, from_value) for the keys both hold. O(|to| + |from|).
template <typename Map, typename Assign>
void CopyMapReusing(Map& to, const Map& from, Assign assign) {
  const auto less = to.key_comp();
  auto it = to.begin();
  for (const auto& entry : from) {
    while (it != to.end() && less(it->first, entry.first)) it = to.erase(it);
    if (it != to.end() && !less(entry.first, it->first)) {
      assign(it->second, entry.second);
    } else {
      it = to.emplace_hint(it, entry.first, entry.second);
    }
    ++it;
  }
  to.erase(it, to.end());
}

// As above, with the values' copy assignment.
template <typename Map>
void CopyMapReusing(Map& to, const Map& from) {
  CopyMapReusing(to, from, [](auto& a, const auto& b) { a = b; });
}

}  // namespace crescendo::vertical

#endif  // CRESCENDO_SRC_VERTICAL_MAP_COPY_H_

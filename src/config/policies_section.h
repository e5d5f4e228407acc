// The `policies:` settings key: named scaling policies (docs/policies.md), inherited like every
// other setting (defaults -> environment -> tenant -> service -> perEnvironment, maps merged key
// by key, so a layer can change one field of an inherited policy or remove it with `name: ~`).
//
// Each entry is handed to the policy layer's registry (crescendo/policy/registry.h), which reads
// its kind's parameters; every problem becomes a located diagnostic.
//
// Thread safety: pure functions.
#ifndef CRESCENDO_SRC_CONFIG_POLICIES_SECTION_H_
#define CRESCENDO_SRC_CONFIG_POLICIES_SECTION_H_

#include "config/node.h"
#include "config/reader.h"
#include "config/settings.h"
#include "crescendo/config/config.h"

namespace crescendo::config {

// Checks the complete policy definitions (entries with a `kind`) of one settings layer on their
// own, so that errors in layers no service uses are reported too. Entries without a kind may be
// overlays of an inherited policy; they are checked once merged.
void CheckPolicyLayer(const Node& settings, const Catalogue& catalogue, FieldReader& reader);

// Reads the merged `policies:` of one service instance into service.policies (in document
// order), records their values in service.settings, and checks them together: every policy
// builds, and no two schedule windows overlap with a floor above a ceiling.
void DecodePolicies(const Node& merged, const Catalogue& catalogue, FieldReader& reader,
                    ServiceConfig& service);

}  // namespace crescendo::config

#endif  // CRESCENDO_SRC_CONFIG_POLICIES_SECTION_H_

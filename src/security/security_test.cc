#include <gtest/gtest.h>

#include "crescendo/security/crypto.h"
#include "crescendo/security/rbac.h"
#include "crescendo/security/token.h"

namespace crescendo::security {
namespace {

TEST(TokenTest, MintedTokensVerifyAndOthersDoNot) {
  auto token = MintToken();
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(token->hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << token->hash;
  EXPECT_EQ(token->hash.find(token->bearer.substr(17)), std::string::npos);  // no secret
  auto parts = ParseBearer(token->bearer);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->id, token->id);
  EXPECT_TRUE(VerifySecret(token->hash, parts->secret));
  std::string other = parts->secret;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(VerifySecret(token->hash, other));
  EXPECT_FALSE(VerifySecret("not a hash", parts->secret));
  EXPECT_NE(MintToken()->bearer, token->bearer);
}

TEST(TokenTest, ParseBearerRefusesMalformedTokens) {
  const std::string ok = "crs_0123456789ab_" + std::string(64, 'f');
  EXPECT_TRUE(ParseBearer(ok).ok());
  for (std::string bad :
       {std::string(""), std::string("crs_"), "xrs" + ok.substr(3), ok.substr(0, ok.size() - 1),
        ok + "0", "crs_0123456789AB" + ok.substr(16), "crs_0123456789ab-" + ok.substr(17),
        "crs_01234' OR 1=1--" + ok.substr(19)}) {
    EXPECT_EQ(ParseBearer(bad).status().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(RbacTest, GrantsAllowTheirRoleAndBelowInTheirScope) {
  struct Case {
    std::string grant;
    Role role;
    std::string tenant;
    bool allowed;
  };
  const std::vector<Case> cases = {
      {"viewer", Role::kViewer, "a", true},       {"viewer", Role::kViewer, "", true},
      {"viewer", Role::kOperator, "a", false},    {"operator:a", Role::kOperator, "a", true},
      {"operator:a", Role::kViewer, "a", true},   {"operator:a", Role::kOperator, "b", false},
      {"operator:a", Role::kOperator, "", false}, {"admin:a", Role::kAdmin, "", false},
      {"admin", Role::kAdmin, "", true},          {"admin", Role::kOperator, "b", true},
      {"viewer:a", Role::kViewer, "b", false},
  };
  for (const Case& c : cases) {
    auto grant = ParseGrant(c.grant);
    ASSERT_TRUE(grant.ok()) << c.grant;
    EXPECT_EQ(Allows({*grant}, c.role, c.tenant), c.allowed)
        << c.grant << " " << RoleName(c.role) << " on \"" << c.tenant << "\"";
  }
}

TEST(RbacTest, GrantsRoundTripAndBadOnesAreNamed) {
  std::vector<Grant> grants = {{Role::kViewer, "*"}, {Role::kOperator, "harmonia"}};
  EXPECT_EQ(*GrantsFromJson(GrantsToJson(grants)), grants);
  for (const char* bad : {"owner", "viewer:", "root:a"}) {
    auto g = ParseGrant(bad);
    ASSERT_FALSE(g.ok()) << bad;
    EXPECT_NE(g.status().message().find(bad), std::string::npos);
  }
  EXPECT_FALSE(GrantsFromJson("{}").ok());
  EXPECT_FALSE(GrantsFromJson("[{\"role\":\"king\",\"tenant\":\"*\"}]").ok());
  EXPECT_FALSE(GrantsFromJson("[").ok());
}

TEST(CryptoTest, SealedValuesOpenOnlyWithTheirKeyAndAssociatedData) {
  Key key = *NewKey(), other = *NewKey();
  auto sealed = Seal(key, "1234.5", "harmonia");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("1234.5"), std::string::npos);
  EXPECT_EQ(*Open(key, *sealed, "harmonia"), "1234.5");
  EXPECT_EQ(Open(other, *sealed, "harmonia").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Open(key, *sealed, "nightowl").status().code(), StatusCode::kDataLoss);
  std::string altered = *sealed;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Open(key, altered, "harmonia").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Open(key, "!!", "harmonia").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(*Open(key, *Seal(key, "", "t"), "t"), "");
}

TEST(CryptoTest, MasterKeysAreParsedFromHex) {
  EXPECT_TRUE(ParseMasterKey(std::string(64, 'a') + "\n", "f").ok());
  auto bad = ParseMasterKey("short", "/etc/key");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/etc/key"), std::string::npos);
  EXPECT_FALSE(ParseMasterKey(std::string(63, 'a') + "g", "f").ok());
}

TEST(CryptoTest, KeyringRotatesDataKeysAndRewrapsUnderANewMasterKey) {
  Key master = *NewKey();
  auto ring = Keyring::Load(master, {});
  ASSERT_TRUE(ring.ok());
  int64_t v1 = 0, v2 = 0;
  std::string old_value = *ring->SealFor("a", "42", &v1);
  EXPECT_EQ(v1, 1);
  EXPECT_TRUE(ring->changed());
  ASSERT_TRUE(ring->RotateDataKeys().ok());
  std::string new_value = *ring->SealFor("a", "43", &v2);
  EXPECT_EQ(v2, 2);
  // The master key changes: the data keys are re-wrapped, every value still opens.
  Key next = *NewKey();
  auto wrapped = ring->Wrap(next);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), 2u);
  EXPECT_EQ(Keyring::Load(master, *wrapped).status().code(), StatusCode::kDataLoss);
  auto reloaded = Keyring::Load(next, *wrapped);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(*reloaded->OpenFor("a", 1, old_value), "42");
  EXPECT_EQ(*reloaded->OpenFor("a", 2, new_value), "43");
  EXPECT_EQ(reloaded->OpenFor("b", 1, old_value).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reloaded->OpenFor("a", 2, old_value).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace crescendo::security

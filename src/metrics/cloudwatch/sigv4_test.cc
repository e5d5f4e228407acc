#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "metrics/cloudwatch/aws.h"

namespace crescendo::metrics::aws {
namespace {

// The credentials and time of AWS's SigV4 test suite and IAM example.
const Credentials kExample{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const Timestamp kExampleTime = Timestamp(std::chrono::seconds(1440938160));  // 20150830T123600Z

struct SuiteCase {
  std::string name;  // the suite's folder name
  std::string method;
  std::string path;
  std::string query;
  HttpHeaders extra_headers;  // besides Host and X-Amz-Date
  std::string body;
  std::string signature;
};

// Expected signatures from the AWS Signature Version 4 test suite (aws-sig-v4-test-suite,
// <name>/<name>.authz), service "service", region us-east-1.
const std::vector<SuiteCase>& SuiteCases() {
  static const std::vector<SuiteCase> cases = {
      {"get-vanilla",
       "GET",
       "/",
       "",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case",
       "GET",
       "/",
       "Param2=value2&Param1=value1",
       {},
       "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-order-value",
       "GET",
       "/",
       "Param1=value2&Param1=value1",
       {},
       "",
       "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694"},
      {"get-vanilla-utf8-query",
       "GET",
       "/",
       "\xE1\x88\xB4=bar",
       {},
       "",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-unreserved",
       "GET",
       "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       "",
       {},
       "",
       "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8",
       "GET",
       "/\xE1\x88\xB4",
       "",
       {},
       "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-header-key-duplicate",
       "GET",
       "/",
       "",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       "",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order",
       "GET",
       "/",
       "",
       {{"My-Header1", "value4"},
        {"My-Header1", "value1"},
        {"My-Header1", "value3"},
        {"My-Header1", "value2"}},
       "",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim",
       "GET",
       "/",
       "",
       {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       "",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"get-relative",
       "GET",
       "/example/..",
       "",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-relative-relative",
       "GET",
       "/example1/example2/../..",
       "",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-slash",
       "GET",
       "//",
       "",
       {},
       "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"post-vanilla",
       "POST",
       "/",
       "",
       {},
       "",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-vanilla-query",
       "POST",
       "/",
       "Param1=value1",
       {},
       "",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-header-key-sort",
       "POST",
       "/",
       "",
       {{"My-Header1", "value1"}},
       "",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case",
       "POST",
       "/",
       "",
       {{"My-Header1", "VALUE1"}},
       "",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-x-www-form-urlencoded",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded"}},
       "Param1=value1",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      // The suite's request says "charset=utf8" (some transcriptions print "utf-8").
      {"post-x-www-form-urlencoded-parameters",
       "POST",
       "/",
       "",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
       "Param1=value1",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
  };
  return cases;
}

TEST(SigV4, AwsTestSuite) {
  for (const SuiteCase& c : SuiteCases()) {
    SigningInput input{c.method, c.path, c.query, {}, c.body};
    input.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
    input.headers.insert(input.headers.end(), c.extra_headers.begin(), c.extra_headers.end());
    const Signature signature = Sign(input, kExample, "us-east-1", "service", kExampleTime);
    EXPECT_EQ(signature.signature, c.signature) << c.name << "\n" << signature.canonical_request;
    EXPECT_EQ(signature.authorization,
              "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
              "SignedHeaders=" +
                  signature.signed_headers + ", Signature=" + c.signature)
        << c.name;
  }
}

TEST(SigV4, GetVanillaIntermediateSteps) {
  SigningInput input{
      "GET", "/", "", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}}, ""};
  const Signature s = Sign(input, kExample, "us-east-1", "service", kExampleTime);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

// The IAM ListUsers example of the AWS General Reference ("Signature Version 4 signing process").
TEST(SigV4, IamListUsersExample) {
  SigningInput input{"GET",
                     "/",
                     "Action=ListUsers&Version=2010-05-08",
                     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                      {"Host", "iam.amazonaws.com"},
                      {"X-Amz-Date", "20150830T123600Z"}},
                     ""};
  const Signature s = Sign(input, kExample, "us-east-1", "iam", kExampleTime);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
            "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
            "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(s.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(s.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, SignHttpRequestThenVerify) {
  HttpRequest request;
  request.method = "POST";
  request.url = "http://127.0.0.1:8080/?a=1";
  request.headers = {{"Content-Type", "application/x-amz-json-1.0"}};
  request.body = "{}";
  const Credentials credentials{"AKID", "secret", "token123"};
  ASSERT_TRUE(SignHttpRequest(request, credentials, "eu-west-1", "monitoring", kExampleTime).ok());
  std::map<std::string, std::string> headers(request.headers.begin(), request.headers.end());
  EXPECT_EQ(headers["Host"], "127.0.0.1:8080");
  EXPECT_EQ(headers["X-Amz-Date"], "20150830T123600Z");
  EXPECT_EQ(headers["X-Amz-Security-Token"], "token123");
  EXPECT_NE(headers["Authorization"].find(
                "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"),
            std::string::npos);

  SigningInput received{"POST", "/", "a=1", request.headers, request.body};
  EXPECT_TRUE(Verify(received, credentials, "eu-west-1", "monitoring").ok());
  received.body = "{ }";
  const Status tampered = Verify(received, credentials, "eu-west-1", "monitoring");
  EXPECT_EQ(tampered.code(), StatusCode::kUnauthenticated);
  EXPECT_NE(tampered.message().find("signature mismatch"), std::string::npos);
  received.body = request.body;
  EXPECT_EQ(Verify(received, {"AKID", "other", ""}, "eu-west-1", "monitoring").code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(Verify(received, credentials, "us-east-1", "monitoring").code(),
            StatusCode::kUnauthenticated);
  HttpRequest bad;
  bad.url = "not a url";
  EXPECT_EQ(SignHttpRequest(bad, credentials, "r", "s", kExampleTime).code(),
            StatusCode::kInvalidArgument);
}

TEST(Credentials, EnvironmentFirstThenFile) {
  const std::string path = testing::TempDir() + "/crescendo_aws_credentials";
  {
    std::ofstream out(path);
    out << "# comment\n[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key=SECRETFILE\n"
           "\n[prod]\naws_access_key_id=AKIDPROD\naws_secret_access_key=SECRETPROD\n"
           "aws_session_token=TOKENPROD\n";
  }
  std::map<std::string, std::string> vars;
  const EnvLookup env = [&](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  vars = {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
          {"AWS_SECRET_ACCESS_KEY", "SECRETENV"},
          {"AWS_SESSION_TOKEN", "TOKENENV"},
          {"AWS_SHARED_CREDENTIALS_FILE", path}};
  auto from_env = ResolveCredentials(env);
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->access_key_id, "AKIDENV");
  EXPECT_EQ(from_env->session_token, "TOKENENV");

  vars = {{"AWS_SHARED_CREDENTIALS_FILE", path}};
  auto from_default = ResolveCredentials(env);
  ASSERT_TRUE(from_default.ok()) << from_default.status().ToString();
  EXPECT_EQ(from_default->access_key_id, "AKIDFILE");
  EXPECT_EQ(from_default->secret_access_key, "SECRETFILE");
  EXPECT_EQ(from_default->session_token, "");

  vars = {{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "prod"}};
  auto from_profile = ResolveCredentials(env);
  ASSERT_TRUE(from_profile.ok());
  EXPECT_EQ(from_profile->session_token, "TOKENPROD");

  vars = {{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "nope"}};
  EXPECT_EQ(ResolveCredentials(env).status().code(), StatusCode::kNotFound);
  vars = {{"AWS_ACCESS_KEY_ID", "AKID"}};
  EXPECT_EQ(ResolveCredentials(env).status().code(), StatusCode::kInvalidArgument);
  vars = {{"HOME", "/nonexistent"}};
  const Status none = ResolveCredentials(env).status();
  EXPECT_EQ(none.code(), StatusCode::kNotFound);
  EXPECT_NE(none.message().find("/nonexistent/.aws/credentials"), std::string::npos);
  {
    std::ofstream out(path);
    out << "[default]\nthis line is wrong\n";
  }
  const Status malformed = CredentialsFromFile(path, "default").status();
  EXPECT_EQ(malformed.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.message().find(":2: \"this line is wrong\": expected key = value"),
            std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace crescendo::metrics::aws

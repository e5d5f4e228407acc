#include "crescendo/base/quantity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

// Expectations ported from kubernetes/apimachinery pkg/api/resource/quantity_test.go
// (TestQuantityParse, TestQuantityString, TestQuantityParseZero, TestQuantityParseEmit,
// TestQuantityCmp, TestNewSet, TestMilliNewSet, TestNewScaledSet, the invalid-input table) and
// from the ParseQuantity / CanonicalizeBytes code paths of quantity.go they exercise.

namespace crescendo {
namespace {

using Format = Quantity::Format;
using ::testing::HasSubstr;

Quantity MustParse(const std::string& text) {
  StatusOr<Quantity> q = Quantity::Parse(text);
  EXPECT_TRUE(q.ok()) << text << ": " << q.status().ToString();
  return q.value_or(Quantity());
}

// ---------------------------------------------------------------------------------------------
// Parsing: the value (as an exact milli/unit pair or a reference quantity) and the format.

struct ParseCase {
  std::string input;
  Quantity expect;  // the exact value
  Format format;
};

std::vector<ParseCase> ParseCases() {
  const auto kDec = Format::kDecimalSI;
  const auto kBin = Format::kBinarySI;
  const auto kExp = Format::kDecimalExponent;
  auto q = [](int64_t value, int32_t scale) { return Quantity::FromScaled(value, scale); };
  return {
      {"0", q(0, 0), kDec},
      {"0n", q(0, 0), kDec},
      {"0u", q(0, 0), kDec},
      {"0m", q(0, 0), kDec},
      {"0Ki", q(0, 0), kBin},
      {"0k", q(0, 0), kDec},
      {"0Mi", q(0, 0), kBin},
      {"0M", q(0, 0), kDec},
      {"0Gi", q(0, 0), kBin},
      {"0G", q(0, 0), kDec},
      {"0Ti", q(0, 0), kBin},
      {"0T", q(0, 0), kDec},
      {"1", q(1, 0), kDec},
      // Binary suffixes.
      {"1Ki", q(1024, 0), kBin},
      {"8Ki", q(8 * 1024, 0), kBin},
      {"7Mi", q(7 * 1024 * 1024, 0), kBin},
      {"6Gi", q(6LL * 1024 * 1024 * 1024, 0), kBin},
      {"5Ti", q(5LL << 40, 0), kBin},
      {"4Pi", q(4LL << 50, 0), kBin},
      {"3Ei", q(3LL << 60, 0), kBin},
      {"10Ti", q(10LL << 40, 0), kBin},
      {"100Ti", q(100LL << 40, 0), kBin},
      // Decimal suffixes.
      {"5n", q(5, -9), kDec},
      {"4u", q(4, -6), kDec},
      {"3m", q(3, -3), kDec},
      {"9", q(9, 0), kDec},
      {"8k", q(8, 3), kDec},
      {"50k", q(5, 4), kDec},
      {"7M", q(7, 6), kDec},
      {"6G", q(6, 9), kDec},
      {"5T", q(5, 12), kDec},
      {"40T", q(4, 13), kDec},
      {"300T", q(3, 14), kDec},
      {"2P", q(2, 15), kDec},
      {"1E", q(1, 18), kDec},
      // Decimal exponents.
      {"1E-3", q(1, -3), kExp},
      {"1e3", q(1, 3), kExp},
      {"1E6", q(1, 6), kExp},
      {"1e9", q(1, 9), kExp},
      {"1E12", q(1, 12), kExp},
      {"1e15", q(1, 15), kExp},
      {"1E18", q(1, 18), kExp},
      {"1e14", q(1, 14), kExp},
      {"1e13", q(1, 13), kExp},
      {"100.035k", q(100035, 0), kDec},
      // Things that look like floating point.
      {"0.001", q(1, -3), kDec},
      {"0.0005k", q(5, -1), kDec},
      {"0.005", q(5, -3), kDec},
      {"0.05", q(5, -2), kDec},
      {"0.5", q(5, -1), kDec},
      {"0.00050k", q(5, -1), kDec},
      {"0.00500", q(5, -3), kDec},
      {"0.05000", q(5, -2), kDec},
      {"0.50000", q(5, -1), kDec},
      {"0.5e0", q(5, -1), kExp},
      {"0.5e-1", q(5, -2), kExp},
      {"0.5e-2", q(5, -3), kExp},
      {"10.035M", q(10035, 3), kDec},
      {"1.2e3", q(12, 2), kExp},
      {"1.3E+6", q(13, 5), kExp},
      {"1.40e9", q(14, 8), kExp},
      {"1.53E12", q(153, 10), kExp},
      {"1.6e15", q(16, 14), kExp},
      {"1.7E18", q(17, 17), kExp},
      {"9.01", q(901, -2), kDec},
      {"8.1k", q(81, 2), kDec},
      {"7.123456M", q(7123456, 0), kDec},
      {"6.987654321G", q(6987654321, 0), kDec},
      {"5.444T", q(5444, 9), kDec},
      {"40.1T", q(401, 11), kDec},
      {"300.2T", q(3002, 11), kDec},
      {"2.5P", q(25, 14), kDec},
      {"1.01E", q(101, 16), kDec},
      // Things that saturate or round.
      {"3.001n", q(4, -9), kDec},
      {"1.1E-9", q(2, -9), kExp},
      {"0.0000000001", q(1, -9), kDec},
      {"0.0000000005", q(1, -9), kDec},
      {"0.00000000050", q(1, -9), kDec},
      {"0.5e-9", q(1, -9), kExp},
      {"0.9n", q(1, -9), kDec},
      {"0.00000012345", q(124, -9), kDec},
      {"0.00000012354", q(124, -9), kDec},
      {"9Ei", q(std::numeric_limits<int64_t>::max(), 0), kBin},
      {"9223372036854775807Ki", q(std::numeric_limits<int64_t>::max(), 0), kBin},
      {"12E", q(12, 18), kDec},
      // Fractional binary.
      {"100.035Ki", q(10243584, -2), kBin},
      {"0.5Mi", q(512 * 1024, 0), kBin},
      {"0.05Gi", q(536870912, -1), kBin},
      {"0.025Ti", q(274877906944, -1), kBin},
      // "Things written by trolls".
      {"0.000000000001Ki", q(2, -9), kDec},  // rounds up, changes format
      {".001", q(1, -3), kDec},
      {".0001k", q(100, -3), kDec},
      {"1.", q(1, 0), kDec},
      {"1.G", q(1, 9), kDec},
      // Beyond the Kubernetes table: leading zeros, long fractions, big decimals.
      {"007", q(7, 0), kDec},
      {"1.5Gi", q(1536LL * 1024 * 1024, 0), kBin},
      {"8Ei", q(std::numeric_limits<int64_t>::max(), 0), kBin},
      {"0.1234567890123456789012345", q(123456790, -9), kDec},
  };
}

TEST(QuantityParseTest, ValueAndFormatMatchKubernetes) {
  for (const ParseCase& c : ParseCases()) {
    StatusOr<Quantity> got = Quantity::Parse(c.input);
    ASSERT_TRUE(got.ok()) << c.input << ": " << got.status().ToString();
    EXPECT_EQ(got->Compare(c.expect), 0)
        << c.input << ": got " << got->ToString() << ", want " << c.expect.ToString();
    EXPECT_EQ(got->format(), c.format) << c.input;
  }
}

TEST(QuantityParseTest, NegativeAndExplicitPlusVersionsOfEveryCase) {
  for (const ParseCase& c : ParseCases()) {
    const Quantity positive = MustParse(c.input);
    StatusOr<Quantity> negative = Quantity::Parse("-" + c.input);
    ASSERT_TRUE(negative.ok()) << "-" << c.input << ": " << negative.status().ToString();
    EXPECT_EQ(negative->Compare(Quantity()), c.expect.IsZero() ? 0 : -1) << c.input;
    EXPECT_EQ(negative->ToString(), c.expect.IsZero() ? "0" : "-" + positive.ToString())
        << "-" << c.input;
    EXPECT_DOUBLE_EQ(negative->AsDouble(), -positive.AsDouble()) << "-" << c.input;
    EXPECT_EQ(negative->format(), c.format) << "-" << c.input;

    StatusOr<Quantity> plus = Quantity::Parse("+" + c.input);
    ASSERT_TRUE(plus.ok()) << "+" << c.input << ": " << plus.status().ToString();
    EXPECT_EQ(plus->Compare(c.expect), 0) << "+" << c.input;
    EXPECT_EQ(plus->format(), c.format) << "+" << c.input;
  }
}

TEST(QuantityParseTest, ZeroPrintsZero) {  // TestQuantityParseZero
  EXPECT_EQ(MustParse("0").ToString(), "0");
  EXPECT_EQ(MustParse("-0").ToString(), "0");
  EXPECT_EQ(MustParse("0.000").ToString(), "0");
  EXPECT_EQ(MustParse("0Gi").ToString(), "0");
  EXPECT_EQ(Quantity().ToString(), "0");
  EXPECT_TRUE(MustParse("0e5").IsZero());
}

// ---------------------------------------------------------------------------------------------
// Malformed input: every error names the input and says what was expected.

struct InvalidCase {
  std::string input;
  std::string reason;  // a fragment of the message
};

TEST(QuantityParseTest, RejectsMalformedInputWithAnExplainedError) {
  const std::vector<InvalidCase> cases = {
      // From Kubernetes' invalid table.
      {"1.1.M", "unexpected character '.' at offset 3"},
      {"1+1.0M", "unexpected character '.' at offset 3"},
      {"0.1mi", "unknown suffix \"mi\""},
      {"0.1am", "unexpected character 'a' at offset 3"},
      {"aoeu", "unexpected character 'a' at offset 0"},
      {".5i", "unknown suffix \"i\""},
      {"1i", "unknown suffix \"i\""},
      {"-3.01i", "unknown suffix \"i\""},
      {"-3.01e-", "unknown suffix \"e-\""},
      {" 1", "unexpected character ' ' at offset 0"},
      {"1 ", "unexpected character ' ' at offset 1"},
      {"Non-Numeric", "unexpected character 'N' at offset 0"},  // TestQuantityParseNonNumericPanic
      // More.
      {"", "empty string"},
      {"1.1.1", "unexpected character '.' at offset 3"},
      {"1Kb", "unexpected character 'b' at offset 2"},
      {"1iG", "unknown suffix \"iG\""},
      {"1K", "unknown suffix \"K\""},
      {"1KI", "unexpected character 'I' at offset 2"},
      {"1e", "unknown suffix \"e\""},
      {"1E+", "unknown suffix \"E+\""},
      {"1e3.5", "unexpected character '.' at offset 3"},
      {"1ee3", "unknown suffix \"ee3\""},
      {"1Ki3", "unknown suffix \"Ki3\""},
      {"1 Mi", "unexpected character ' ' at offset 1"},
      {"1,5", "unexpected character ',' at offset 1"},
      {"--1", "no digits in the number"},
      {"0x10", "unexpected character 'x' at offset 1"},
      {"1e99999999999", "exponent 99999999999 does not fit in 32 bits"},
      {"1e99999999999999999999", "unknown suffix"},  // not an int64 (strconv.ParseInt fails)
      {"123456789012345678901234567890123456789", "more than 38 significant digits"},
      {"1e2147483647k", "unexpected character 'k' at offset 12"},
      // No digit at all: Kubernetes' scanner reads these as zero; its grammar forbids them.
      {".", "no digits in the number"},
      {"+", "no digits in the number"},
      {"-", "no digits in the number"},
      {"-.", "no digits in the number"},
      {"+.", "no digits in the number"},
      {"Mi", "no digits in the number"},
      {"-k", "no digits in the number"},
      {"e3", "no digits in the number"},
  };
  for (const InvalidCase& c : cases) {
    StatusOr<Quantity> got = Quantity::Parse(c.input);
    ASSERT_FALSE(got.ok()) << "\"" << c.input << "\" parsed as " << got->ToString();
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument) << c.input;
    const std::string message = got.status().message();
    EXPECT_THAT(message, HasSubstr("invalid quantity \"" + c.input + "\"")) << c.input;
    EXPECT_THAT(message, HasSubstr(c.reason)) << c.input;
    EXPECT_THAT(message, HasSubstr("expected")) << c.input;
    EXPECT_THAT(message, HasSubstr("Ki Mi Gi Ti Pi Ei")) << c.input;
  }
}

TEST(QuantityParseTest, HugeValuesAreExactOrRejected) {
  // 38 significant digits fit; decimal exponents beyond int64 keep their exact value.
  EXPECT_EQ(MustParse("12345678901234567890123456789012345678").ToString(),
            "12345678901234567890123456789012345678");
  EXPECT_EQ(MustParse("1e2147483647").ToString(), "10e2147483646");
  EXPECT_EQ(MustParse("1e-2147483648").ToString(), "1e-9");  // rounds up to the nano
  // 2^64 keeps its exact value (Kubernetes does not cap decimal quantities); Value saturates.
  const Quantity two_to_64 = MustParse("18446744073709551616");
  EXPECT_EQ(two_to_64.ToString(), "18446744073709551616");
  EXPECT_EQ(two_to_64.Value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(two_to_64.Compare(MustParse("18446744073709551615")), 1);
  EXPECT_EQ(MustParse("1000E").ToString(), "1e21");
  // Digits finer than 1n do not count against the 38-digit limit.
  EXPECT_EQ(MustParse("0.00000000100000000000000000000000000000000000001").ToString(), "2n");
}

// ---------------------------------------------------------------------------------------------
// Formatting: ToString of parsed text (TestQuantityString alternates, TestQuantityParseEmit and
// the brief's examples).

struct EmitCase {
  std::string input;
  std::string expect;
};

TEST(QuantityToStringTest, ParsedTextPrintsInKubernetesCanonicalForm) {
  const std::vector<EmitCase> cases = {
      // TestQuantityParseEmit.
      {"1Ki", "1Ki"},
      {"1Mi", "1Mi"},
      {"1Gi", "1Gi"},
      {"1024Mi", "1Gi"},
      {"1000M", "1G"},
      {".001Ki", "1024m"},
      {".000001Ki", "1024u"},
      {".000000001Ki", "1024n"},
      {".000000000001Ki", "2n"},
      // TestQuantityString alternates (input -> canonical).
      {"1024Mi", "1Gi"},
      {"307200Ki", "300Mi"},
      {"1025024Mi", "1001Gi"},
      {"1024Gi", "1Ti"},
      {"5000m", "5"},
      {"0.5", "500m"},
      {"1000M", "1G"},
      {"0.001T", "1G"},
      {"1000u", "1m"},
      {"1.08", "1080m"},
      {"1080000000n", "1080m"},
      {"1000E", "1e21"},
      {"5000E", "5e21"},
      {"1000000E", "1e24"},
      {".001e12", "1e9"},
      {"0.001e0", "1e-3"},
      {"1000e-12", "1e-9"},
      {"00", "0"},
      // The brief's examples.
      {"1.5", "1500m"},
      {"0.5Gi", "512Mi"},
      {"1000Mi", "1000Mi"},
      {"1e3", "1e3"},
      {"1000", "1k"},
      {"100m", "100m"},
      {"0.0001", "100u"},
      // Fractional or small binary values print as DecimalSI.
      {"1.5Gi", "1536Mi"},
      {"100.035Ki", "102435840m"},
      {"0.05Gi", "53687091200m"},
      {"0.5Ki", "512"},
      {"1023", "1023"},
      {"8Ei", "9223372036854775807"},  // capped at 2^63-1, odd, so no binary suffix
      {"1.1E-9", "2e-9"},
      {"0.9n", "1n"},
      {"3.001n", "4n"},
      {"1234567890123", "1234567890123"},
      {"12345678901234567890", "12345678901234567890"},
      {"1.5e1", "1.5e1"},  // echoed: Kubernetes keeps the text (scale 0, "15")
      {"-1.5", "-1500m"},
      {"-0.5Gi", "-512Mi"},
      {"-1024Mi", "-1Gi"},
      {"-0.0001", "-100u"},
  };
  for (const EmitCase& c : cases) {
    EXPECT_EQ(MustParse(c.input).ToString(), c.expect) << c.input;
  }
}

// quantity.go ParseQuantity reuses the input as String() when its fast path judges it canonical:
// scale a multiple of 3, at most 18 digits, no leading zero digit and no "000" ending (decimal), or
// a value not divisible by 8 (binary). Kubernetes then prints the text verbatim.
TEST(QuantityToStringTest, EchoesTextKubernetesJudgesCanonical) {
  const std::vector<EmitCase> cases = {
      {"+1", "+1"},
      {"1.", "1."},
      {"1.G", "1.G"},
      {"1E3", "1E3"},
      {"1e+3", "1e+3"},
      {"1.500", "1.500"},
      {"100.035k", "100.035k"},
      {"10.035M", "10.035M"},
      {"007", "007"},
      {"+3Mi", "+3Mi"},
      {"1025Ki", "1025Ki"},
      // Not echoed: divisible by 8 (binary), "000" ending, leading zero, scale not a multiple of 3.
      {"+8Ki", "8Ki"},
      {"+1000", "1k"},
      {"+0.5", "500m"},
      {"+1.5", "1500m"},
      {"1.000k", "1k"},
      {"5Pi", "5Pi"},  // Pi is never echoed (precision < 0) but is canonical anyway
      {"+5Pi", "5Pi"},
  };
  for (const EmitCase& c : cases) {
    EXPECT_EQ(MustParse(c.input).ToString(), c.expect) << c.input;
  }
}

struct FormatCase {
  int64_t value;
  int32_t scale;
  Format format;
  std::string expect;
};

TEST(QuantityToStringTest, ConstructedValuesMatchTestQuantityString) {
  const auto kDec = Format::kDecimalSI;
  const auto kBin = Format::kBinarySI;
  const auto kExp = Format::kDecimalExponent;
  const std::vector<FormatCase> cases = {
      {1024 * 1024 * 1024, 0, kBin, "1Gi"},
      {300 * 1024 * 1024, 0, kBin, "300Mi"},
      {6 * 1024, 0, kBin, "6Ki"},
      {1001LL * 1024 * 1024 * 1024, 0, kBin, "1001Gi"},
      {1024LL * 1024 * 1024 * 1024, 0, kBin, "1Ti"},
      {5, 0, kBin, "5"},
      {500, -3, kBin, "500m"},
      {1, 9, kDec, "1G"},
      {1000, 6, kDec, "1G"},
      {1000000, 3, kDec, "1G"},
      {1000000000, 0, kDec, "1G"},
      {1, -3, kDec, "1m"},
      {80, -3, kDec, "80m"},
      {1080, -3, kDec, "1080m"},
      {108, -2, kDec, "1080m"},
      {10800, -4, kDec, "1080m"},
      {300, 6, kDec, "300M"},
      {1, 12, kDec, "1T"},
      {1, 18, kDec, "1E"},
      {1, 21, kDec, "1e21"},
      {5, 21, kDec, "5e21"},
      {1, 24, kDec, "1e24"},
      {1234567, 6, kDec, "1234567M"},
      {1234567, -3, kBin, "1234567m"},
      {3, 3, kDec, "3k"},
      {1025, 0, kBin, "1025"},
      {0, 0, kDec, "0"},
      {0, 0, kBin, "0"},
      {1, 9, kExp, "1e9"},
      {1, -3, kExp, "1e-3"},
      {1, -9, kExp, "1e-9"},
      {80, -3, kExp, "80e-3"},
      {300, 6, kExp, "300e6"},
      {1, 12, kExp, "1e12"},
      {1, 3, kExp, "1e3"},
      {3, 3, kExp, "3e3"},
      {0, 0, kExp, "0"},
      {1, -9, kDec, "1n"},
      {80, -9, kDec, "80n"},
      {1080, -9, kDec, "1080n"},
      {108, -8, kDec, "1080n"},
      {10800, -10, kDec, "1080n"},
      {1, -6, kDec, "1u"},
      {80, -6, kDec, "80u"},
      {1080, -6, kDec, "1080u"},
  };
  for (const FormatCase& c : cases) {
    const Quantity q = Quantity::FromScaled(c.value, c.scale, c.format);
    EXPECT_EQ(q.ToString(), c.expect) << c.value << "e" << c.scale;
    if (c.value != 0) {
      EXPECT_EQ(Quantity::FromScaled(-c.value, c.scale, c.format).ToString(), "-" + c.expect)
          << -c.value << "e" << c.scale;
    }
    // The canonical text parses back to the same value.
    StatusOr<Quantity> back = Quantity::Parse(c.expect);
    ASSERT_TRUE(back.ok()) << c.expect;
    EXPECT_EQ(back->Compare(q), 0) << c.expect;
  }
}

TEST(QuantityToStringTest, ConstructedValuesParsingWouldChange) {
  // FromScaled keeps scales below the nano (NewScaledQuantity does too): no suffix, so "e-12".
  EXPECT_EQ(Quantity::FromScaled(1, -12).ToString(), "1e-12");
  EXPECT_EQ(Quantity::FromScaled(15, -10).ToString(), "1500e-12");
  // 10^21 = 2^21 * 5^21 in BinarySI: two factors of 1024 come out (parsing would cap it).
  EXPECT_EQ(Quantity::FromScaled(1, 21, Format::kBinarySI).ToString(), "953674316406250Mi");
  EXPECT_EQ(Quantity::FromScaled(-1024, 0, Format::kBinarySI).ToString(), "-1Ki");
  EXPECT_EQ(Quantity::FromScaled(-1023, 0, Format::kBinarySI).ToString(), "-1023");
  EXPECT_EQ(Quantity::FromScaled(std::numeric_limits<int64_t>::min(), 0).ToString(),
            "-9223372036854775808");
}

// TestNewSet / TestMilliNewSet.
TEST(QuantityToStringTest, FromIntAndFromMilli) {
  EXPECT_EQ(Quantity::FromInt(1).ToString(), "1");
  EXPECT_EQ(Quantity::FromInt(1000).ToString(), "1k");
  EXPECT_EQ(Quantity::FromInt(1234000).ToString(), "1234k");
  EXPECT_EQ(Quantity::FromInt(1024, Format::kBinarySI).ToString(), "1Ki");
  EXPECT_EQ(Quantity::FromInt(1000000, Format::kDecimalExponent).ToString(), "1e6");
  EXPECT_EQ(Quantity::FromInt(1024 * 1024, Format::kBinarySI).ToString(), "1Mi");
  EXPECT_EQ(Quantity::FromMilli(1).ToString(), "1m");
  EXPECT_EQ(Quantity::FromMilli(1000).ToString(), "1");
  EXPECT_EQ(Quantity::FromMilli(1234000).ToString(), "1234");
  EXPECT_EQ(Quantity::FromMilli(1024, Format::kBinarySI).ToString(), "1024m");
  EXPECT_EQ(Quantity::FromMilli(1000000, Format::kDecimalExponent).ToString(), "1e3");
  EXPECT_EQ(Quantity::FromMilli(1024 * 1024, Format::kBinarySI).ToString(), "1048576m");
  EXPECT_EQ(Quantity::FromMilli(250).format(), Format::kDecimalSI);
}

// ---------------------------------------------------------------------------------------------
// Accessors.

struct ValueCase {
  std::string input;
  int64_t milli;
  int64_t value;
};

TEST(QuantityValueTest, MilliValueAndValueRoundAwayFromZero) {
  const std::vector<ValueCase> cases = {
      {"0", 0, 0},
      {"1", 1000, 1},
      {"250m", 250, 1},
      {"1.5", 1500, 2},
      {"9.01", 9010, 10},
      {"-9.01", -9010, -10},
      {"1n", 1, 1},
      {"-1n", -1, -1},
      {"1500u", 2, 1},
      {"-1500u", -2, -1},
      {"1Ki", 1024000, 1024},
      {"512Mi", 536870912000, 536870912},
      {"1G", 1000000000000, 1000000000},
      {"0.1Gi", 107374182400, 107374183},
      {"1e3", 1000000, 1000},
      {"9223372036854775807", std::numeric_limits<int64_t>::max(),
       std::numeric_limits<int64_t>::max()},
      {"-9223372036854775808", std::numeric_limits<int64_t>::min(),
       std::numeric_limits<int64_t>::min()},
      {"9223372036854775808", std::numeric_limits<int64_t>::max(),
       std::numeric_limits<int64_t>::max()},
      {"-1e30", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min()},
      {"1e-20", 1, 1},
  };
  for (const ValueCase& c : cases) {
    const Quantity q = MustParse(c.input);
    EXPECT_EQ(q.MilliValue(), c.milli) << c.input;
    EXPECT_EQ(q.Value(), c.value) << c.input;
  }
}

TEST(QuantityValueTest, AsDouble) {
  EXPECT_DOUBLE_EQ(MustParse("250m").AsDouble(), 0.25);
  EXPECT_DOUBLE_EQ(MustParse("1.5Gi").AsDouble(), 1610612736.0);
  EXPECT_DOUBLE_EQ(MustParse("-3e2").AsDouble(), -300.0);
  EXPECT_DOUBLE_EQ(MustParse("1n").AsDouble(), 1e-9);
  EXPECT_DOUBLE_EQ(Quantity().AsDouble(), 0.0);
}

struct CompareCase {
  std::string a;
  std::string b;
  int expect;
};

TEST(QuantityCompareTest, OrdersByValueWhateverTheFormat) {
  const std::vector<CompareCase> cases = {
      {"0", "0", 0},       {"100m", "50m", 1},    {"50m", "100m", -1},   {"10000T", "100Gi", 1},
      {"1k", "1000", 0},   {"1Ki", "1024", 0},    {"1e3", "1k", 0},      {"1.5", "1500m", 0},
      {"-1", "1", -1},     {"-2", "-1", -1},      {"0", "-1n", 1},       {"1n", "0", 1},
      {"9.01", "9.1", -1}, {"901e-2", "9.01", 0}, {"1e30", "1e29", 1},   {"-1e30", "-1e29", -1},
      {"999", "1k", -1},   {"1001", "1k", 1},     {"0.5Gi", "512Mi", 0}, {"1Gi", "1G", 1},
  };
  for (const CompareCase& c : cases) {
    const Quantity a = MustParse(c.a);
    const Quantity b = MustParse(c.b);
    EXPECT_EQ(a.Compare(b), c.expect) << c.a << " vs " << c.b;
    EXPECT_EQ(b.Compare(a), -c.expect) << c.b << " vs " << c.a;
    EXPECT_EQ(a == b, c.expect == 0) << c.a << " == " << c.b;
  }
}

TEST(QuantityCompareTest, EqualityIgnoresFormatAndText) {
  EXPECT_EQ(MustParse("+1"), Quantity::FromInt(1));
  EXPECT_EQ(MustParse("1024"), MustParse("1Ki"));
  EXPECT_EQ(MustParse("1E3"), MustParse("1k"));
  EXPECT_FALSE(MustParse("1") == MustParse("2"));
}

}  // namespace
}  // namespace crescendo

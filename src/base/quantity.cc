#include "crescendo/base/quantity.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

// Behaviour follows k8s.io/apimachinery/pkg/api/resource (quantity.go ParseQuantity and
// CanonicalizeBytes, suffix.go, amount.go AsCanonicalBytes / AsScaledInt64). The arithmetic here
// is Crescendo's own: digits are handled as decimal strings while parsing, and as a 128-bit
// mantissa with a power-of-ten scale afterwards.

namespace crescendo {
namespace {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 UInt128;

using Format = Quantity::Format;

constexpr int kMaxDigits = 38;      // 10^38 < 2^127
constexpr int64_t kNanoScale = -9;  // parsing keeps precision down to 1n
constexpr int64_t kMaxScale = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxBinaryFormDigits = 1000;  // larger BinarySI values print as DecimalSI
constexpr std::string_view kMaxBinary = "9223372036854775807";  // 2^63-1, Kubernetes' maxAllowed
constexpr std::string_view kSuffixLetters = "eEinumkKMGTP";     // quantity.go splitREString
constexpr std::string_view kExpected =
    "expected [+|-]<digits>[.<digits>][suffix] with suffix one of n u m k M G T P E, "
    "Ki Mi Gi Ti Pi Ei, or e<integer> / E<integer>; e.g. \"250m\", \"1.5\", \"512Mi\", \"1e3\"";

Status QuantityError(std::string_view text, std::string_view what) {
  return InvalidArgumentError("invalid quantity \"" + std::string(text) +
                              "\": " + std::string(what) + " (" + std::string(kExpected) + ")");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

size_t SkipDigits(std::string_view s, size_t pos) {
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  return pos;
}

constexpr std::array<UInt128, kMaxDigits + 1> MakePowersOf10() {
  std::array<UInt128, kMaxDigits + 1> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<UInt128, kMaxDigits + 1> kPow10 = MakePowersOf10();

int CountDigits(UInt128 v) {
  int n = 1;
  while (n <= kMaxDigits && v >= kPow10[static_cast<size_t>(n)]) ++n;
  return n;
}

UInt128 Magnitude(Int128 v) { return v < 0 ? -static_cast<UInt128>(v) : static_cast<UInt128>(v); }

std::string DigitsOf(UInt128 v) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return out;
}

// The pieces of a quantity string, split as quantity.go parseQuantityString splits them.
struct Lexeme {
  bool negative = false;
  std::string_view whole;     // digits before '.', possibly empty
  std::string_view fraction;  // digits after '.', possibly empty
  std::string_view suffix;    // suffix letters, then an optional sign and digits
};

// Splits `text`; returns the position of the first character that fits nowhere, if any.
std::optional<size_t> Lex(std::string_view text, Lexeme* out) {
  size_t pos = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    out->negative = text[0] == '-';
    ++pos;
  }
  size_t end = SkipDigits(text, pos);
  out->whole = text.substr(pos, end - pos);
  pos = end;
  if (pos < text.size() && text[pos] == '.') {
    end = SkipDigits(text, pos + 1);
    out->fraction = text.substr(pos + 1, end - pos - 1);
    pos = end;
  }
  const size_t suffix_start = pos;
  while (pos < text.size() && kSuffixLetters.find(text[pos]) != std::string_view::npos) ++pos;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
  pos = SkipDigits(text, pos);
  out->suffix = text.substr(suffix_start, pos - suffix_start);
  if (pos != text.size()) return pos;
  return std::nullopt;
}

struct Suffix {
  int base = 10;         // 10 or 2
  int64_t exponent = 0;  // of the base
  Format format = Format::kDecimalSI;
};

// Parses a Go strconv.ParseInt(s, 10, 64) integer: an optional sign, then one or more digits.
std::optional<int64_t> ParseInt64(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || SkipDigits(s, 0) != s.size()) return std::nullopt;
  UInt128 v = 0;
  for (char c : s) {
    v = v * 10 + static_cast<unsigned>(c - '0');
    if (v > (UInt128{1} << 63)) return std::nullopt;
  }
  if (!negative && v == (UInt128{1} << 63)) return std::nullopt;
  return negative ? -static_cast<int64_t>(v - 1) - 1 : static_cast<int64_t>(v);
}

// suffix.go: the decimalSI and binarySI tables, then e<int> / E<int>.
std::optional<Suffix> InterpretSuffix(std::string_view s) {
  struct Entry {
    std::string_view text;
    int base;
    int exponent;
  };
  static constexpr Entry kTable[] = {{"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3},
                                     {"k", 10, 3},  {"M", 10, 6},  {"G", 10, 9},  {"T", 10, 12},
                                     {"P", 10, 15}, {"E", 10, 18}, {"Ki", 2, 10}, {"Mi", 2, 20},
                                     {"Gi", 2, 30}, {"Ti", 2, 40}, {"Pi", 2, 50}, {"Ei", 2, 60}};
  for (const Entry& e : kTable) {
    if (s == e.text) {
      return Suffix{e.base, e.exponent, e.base == 2 ? Format::kBinarySI : Format::kDecimalSI};
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    if (std::optional<int64_t> exponent = ParseInt64(s.substr(1))) {
      return Suffix{10, *exponent, Format::kDecimalExponent};
    }
  }
  return std::nullopt;
}

// An exact non-negative decimal: digits * 10^scale, digits without leading zeros ("" is zero).
struct Decimal {
  std::string digits;
  int64_t scale = 0;
};

void StripLeadingZeros(std::string* digits) {
  digits->erase(0, std::min(digits->find_first_not_of('0'), digits->size()));
}

void MoveTrailingZerosToScale(Decimal* d) {
  size_t keep = d->digits.find_last_not_of('0') + 1;  // npos + 1 == 0 for all zeros
  d->scale += static_cast<int64_t>(d->digits.size() - keep);
  d->digits.resize(keep);
}

// Multiplies the digit string by 2^power, exactly.
void MultiplyByPowerOf2(std::string* digits, int64_t power) {
  while (power > 0) {
    const int step = static_cast<int>(std::min<int64_t>(power, 32));
    uint64_t carry = 0;
    for (auto it = digits->rbegin(); it != digits->rend(); ++it) {
      uint64_t v = (static_cast<uint64_t>(*it - '0') << step) + carry;
      *it = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    for (; carry != 0; carry /= 10)
      digits->insert(digits->begin(), static_cast<char>('0' + carry % 10));
    power -= step;
  }
}

// Rounds a non-zero value finer than 1n away from zero to the next nano (quantity.go:
// amount.Round(amount, Nano, inf.RoundUp)).
void RoundUpToNano(Decimal* d) {
  if (d->digits.empty() || d->scale >= kNanoScale) return;
  const int64_t cut = kNanoScale - d->scale;  // digits finer than 1n
  std::string kept;
  if (cut < static_cast<int64_t>(d->digits.size())) {
    kept = d->digits.substr(0, d->digits.size() - static_cast<size_t>(cut));
  }
  // The dropped digits hold a non-zero value (no trailing zeros remain), so add one nano.
  int i = static_cast<int>(kept.size()) - 1;
  for (; i >= 0 && kept[static_cast<size_t>(i)] == '9'; --i) kept[static_cast<size_t>(i)] = '0';
  if (i < 0) {
    kept.insert(kept.begin(), '1');
  } else {
    ++kept[static_cast<size_t>(i)];
  }
  d->digits = kept;
  d->scale = kNanoScale;
  MoveTrailingZerosToScale(d);
}

// Returns true when d > 2^63-1 (Kubernetes caps BinarySI there).
bool ExceedsBinaryCap(const Decimal& d) {
  const int64_t integer_digits = static_cast<int64_t>(d.digits.size()) + d.scale;
  const int64_t cap_digits = static_cast<int64_t>(kMaxBinary.size());
  if (d.digits.empty() || integer_digits < cap_digits) return false;
  if (integer_digits > cap_digits) return true;
  // Same number of integer digits: compare digit by digit, padding with zeros.
  std::string padded = d.digits;
  if (d.scale > 0) padded.append(static_cast<size_t>(d.scale), '0');
  std::string_view integer = std::string_view(padded).substr(0, kMaxBinary.size());
  if (integer != kMaxBinary) return integer > kMaxBinary;
  return padded.size() > kMaxBinary.size();  // a non-zero fraction
}

// Returns true when Kubernetes' fast path would keep the input text as the String() form
// (quantity.go ParseQuantity: "if the number is in canonical form, reuse the string").
bool KubernetesEchoesText(const Lexeme& lex, const Suffix& suffix) {
  constexpr int64_t kMaxInt64Factors = 18;  // amount.go maxInt64Factors
  std::string_view whole =
      lex.whole.substr(std::min(lex.whole.find_first_not_of('0'), lex.whole.size()));
  if (whole.empty()) whole = "0";
  const int64_t length = static_cast<int64_t>(whole.size() + lex.fraction.size());
  if (suffix.base == 2) {
    if (!lex.fraction.empty()) return false;
    // quantity.go: precision = 15 - len(num) - int(float32(exponent)*3/10) - 1.
    if (15 - length - suffix.exponent * 3 / 10 - 1 < 0) return false;
    const std::optional<int64_t> value = ParseInt64(whole);
    if (!value || *value > (std::numeric_limits<int64_t>::max() >> suffix.exponent)) return false;
    return (*value & 0x07) != 0;
  }
  if (kMaxInt64Factors - length < 0) return false;
  const int64_t scale = suffix.exponent - static_cast<int64_t>(lex.fraction.size());
  if (scale < kNanoScale || scale % 3 != 0) return false;
  const std::string shifted = std::string(whole) + std::string(lex.fraction);
  return shifted[0] != '0' && !std::string_view(shifted).ends_with("000");
}

// Divides a decimal digit string by 1024 when it is an exact multiple; returns whether it was.
bool DivideExactlyBy1024(std::string* digits) {
  std::string quotient;
  uint32_t remainder = 0;
  for (char c : *digits) {
    remainder = remainder * 10 + static_cast<uint32_t>(c - '0');
    quotient.push_back(static_cast<char>('0' + remainder / 1024));
    remainder %= 1024;
  }
  if (remainder != 0) return false;
  StripLeadingZeros(&quotient);
  *digits = quotient;
  return true;
}

// amount.go AsCanonicalBytes + suffix.go constructBytes: the exponent is lowered to a multiple
// of three; DecimalSI falls back to e<exp> where it has no suffix (as Kubernetes since 1.33).
std::string DecimalForm(std::string digits, int64_t exponent, Format format) {
  const int64_t shift = ((exponent % 3) + 3) % 3;
  digits.append(static_cast<size_t>(shift), '0');
  exponent -= shift;
  static constexpr std::string_view kDecimalSuffixes[] = {"n", "u", "m", "",  "k",
                                                          "M", "G", "T", "P", "E"};
  if (format == Format::kDecimalSI && exponent >= -9 && exponent <= 18) {
    return digits + std::string(kDecimalSuffixes[(exponent + 9) / 3]);
  }
  if (exponent == 0) return digits;
  return digits + "e" + std::to_string(exponent);
}

// amount.go AsCanonicalBase1024Bytes: the largest power of 1024 that divides the value.
std::string BinaryForm(std::string digits, int64_t scale) {
  static constexpr std::string_view kBinarySuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  digits.append(static_cast<size_t>(scale), '0');
  size_t power = 0;
  while (power + 1 < std::size(kBinarySuffixes) && DivideExactlyBy1024(&digits)) ++power;
  return digits + std::string(kBinarySuffixes[power]);
}

}  // namespace

Quantity Quantity::Make(Int128 mantissa, int64_t scale, Format format) {
  Quantity q;
  q.format_ = format;
  if (mantissa == 0) return q;
  while (mantissa % 10 == 0) {
    mantissa /= 10;
    ++scale;
  }
  q.mantissa_ = mantissa;
  q.scale_ = scale;
  return q;
}

StatusOr<Quantity> Quantity::Parse(std::string_view text) {
  if (text.empty()) return QuantityError(text, "empty string");
  Lexeme lex;
  if (std::optional<size_t> bad = Lex(text, &lex)) {
    return QuantityError(text, "unexpected character '" + std::string(1, text[*bad]) +
                                   "' at offset " + std::to_string(*bad));
  }
  if (lex.whole.empty() && lex.fraction.empty()) {
    return QuantityError(text, "no digits in the number");
  }
  const std::optional<Suffix> suffix = InterpretSuffix(lex.suffix);
  if (!suffix) return QuantityError(text, "unknown suffix \"" + std::string(lex.suffix) + "\"");
  if (suffix->exponent < std::numeric_limits<int32_t>::min() ||
      suffix->exponent > std::numeric_limits<int32_t>::max()) {
    return QuantityError(
        text, "exponent " + std::to_string(suffix->exponent) + " does not fit in 32 bits");
  }

  Decimal value{
      std::string(lex.whole) + std::string(lex.fraction),
      (suffix->base == 10 ? suffix->exponent : 0) - static_cast<int64_t>(lex.fraction.size())};
  StripLeadingZeros(&value.digits);
  if (suffix->base == 2) MultiplyByPowerOf2(&value.digits, suffix->exponent);
  MoveTrailingZerosToScale(&value);
  RoundUpToNano(&value);
  Format format = suffix->format;
  if (format == Format::kBinarySI) {
    if (ExceedsBinaryCap(value)) value = Decimal{std::string(kMaxBinary), 0};
    // A BinarySI value strictly between 0 and 1 becomes DecimalSI (quantity.go).
    const int64_t integer_digits = static_cast<int64_t>(value.digits.size()) + value.scale;
    if (!value.digits.empty() && integer_digits <= 0) format = Format::kDecimalSI;
  }
  if (value.digits.size() > static_cast<size_t>(kMaxDigits)) {
    return QuantityError(
        text, "more than " + std::to_string(kMaxDigits) + " significant digits at or above 1n");
  }
  if (value.scale > kMaxScale) return QuantityError(text, "value too large to represent");

  Int128 mantissa = 0;
  for (char c : value.digits) mantissa = mantissa * 10 + (c - '0');
  Quantity q = Make(lex.negative ? -mantissa : mantissa, value.scale, format);
  if (KubernetesEchoesText(lex, *suffix)) q.text_ = std::string(text);
  return q;
}

Quantity Quantity::FromScaled(int64_t value, int32_t scale, Format format) {
  return Make(value, scale, format);
}

Quantity Quantity::FromMilli(int64_t milli, Format format) { return Make(milli, -3, format); }

Quantity Quantity::FromInt(int64_t value, Format format) { return Make(value, 0, format); }

int64_t Quantity::ScaledValue(int64_t scale) const {
  if (mantissa_ == 0) return 0;
  const UInt128 magnitude = Magnitude(mantissa_);
  const UInt128 limit =
      mantissa_ > 0 ? UInt128{std::numeric_limits<int64_t>::max()} : UInt128{1} << 63;
  UInt128 result = limit;  // saturated unless shown to fit
  const int64_t shift = scale_ - scale;
  if (shift < 0) {
    const int64_t down = -shift;
    result = down > kMaxDigits ? 1
                               : magnitude / kPow10[static_cast<size_t>(down)] +
                                     (magnitude % kPow10[static_cast<size_t>(down)] != 0 ? 1 : 0);
  } else if (shift <= kMaxDigits && magnitude <= limit / kPow10[static_cast<size_t>(shift)]) {
    result = magnitude * kPow10[static_cast<size_t>(shift)];
  }
  if (result > limit) result = limit;
  return mantissa_ > 0 ? static_cast<int64_t>(result) : -static_cast<int64_t>(result - 1) - 1;
}

int64_t Quantity::MilliValue() const { return ScaledValue(-3); }

int64_t Quantity::Value() const { return ScaledValue(0); }

double Quantity::AsDouble() const {
  const double mantissa = static_cast<double>(mantissa_);
  if (scale_ >= 0) return mantissa * std::pow(10.0, static_cast<double>(scale_));
  return mantissa / std::pow(10.0, static_cast<double>(-scale_));
}

bool Quantity::IsZero() const { return mantissa_ == 0; }

std::string Quantity::ToString() const {
  if (!text_.empty()) return text_;
  if (mantissa_ == 0) return "0";
  const UInt128 magnitude = Magnitude(mantissa_);
  const std::string sign = mantissa_ < 0 ? "-" : "";
  Format format = format_;
  if (format == Format::kBinarySI) {
    // quantity.go CanonicalizeBytes: -1024 < q < 1024, or a fraction, prints as DecimalSI.
    const int64_t integer_digits = CountDigits(magnitude) + scale_;
    const bool small = integer_digits < 4 ||
                       (integer_digits == 4 &&
                        magnitude * kPow10[static_cast<size_t>(scale_ > 0 ? scale_ : 0)] < 1024);
    if (small || scale_ < 0 || integer_digits > kMaxBinaryFormDigits) format = Format::kDecimalSI;
  }
  if (format == Format::kBinarySI) return sign + BinaryForm(DigitsOf(magnitude), scale_);
  return sign + DecimalForm(DigitsOf(magnitude), scale_, format);
}

int Quantity::Compare(const Quantity& other) const {
  const int sign = mantissa_ > 0 ? 1 : (mantissa_ < 0 ? -1 : 0);
  const int other_sign = other.mantissa_ > 0 ? 1 : (other.mantissa_ < 0 ? -1 : 0);
  if (sign != other_sign) return sign < other_sign ? -1 : 1;
  if (sign == 0) return 0;
  UInt128 a = Magnitude(mantissa_);
  UInt128 b = Magnitude(other.mantissa_);
  const int64_t order = CountDigits(a) + scale_;
  const int64_t other_order = CountDigits(b) + other.scale_;
  if (order != other_order) return order < other_order ? -sign : sign;
  // Same magnitude order: aligning the scales keeps both below 10^38.
  if (scale_ > other.scale_) a *= kPow10[static_cast<size_t>(scale_ - other.scale_)];
  if (other.scale_ > scale_) b *= kPow10[static_cast<size_t>(other.scale_ - scale_)];
  if (a == b) return 0;
  return a < b ? -sign : sign;
}

}  // namespace crescendo

// Kubernetes resource quantities ("250m", "1.5", "512Mi", "1G", "1e3").
//
// Parsing and canonical formatting follow k8s.io/apimachinery/pkg/api/resource (quantity.go,
// suffix.go, amount.go):
//   <quantity> ::= <signedNumber><suffix>
//   <number>   ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>   ::= <binarySI> (Ki Mi Gi Ti Pi Ei) | <decimalSI> (n u m "" k M G T P E)
//                | <decimalExponent> (e<signedNumber> | E<signedNumber>)
// A quantity remembers the format of its suffix; ToString() gives the form Kubernetes prints:
// the largest suffix that loses no precision and leaves no fraction ("1.5" -> "1500m",
// "0.5Gi" -> "512Mi", "1024Mi" -> "1Gi", "1000" -> "1k", "0.0001" -> "100u"). A BinarySI value
// that is not a whole number, or lies strictly between -1024 and 1024, prints as DecimalSI.
// As in Kubernetes, a parsed text that the parser judges already canonical is echoed verbatim
// (quantity.go ParseQuantity keeps `s: str`), so "1e3" prints "1e3", "+1" prints "+1" and
// "100.035k" prints "100.035k".
//
// Also as in Kubernetes: a non-zero value finer than 1n rounds away from zero to the next nano
// ("0.9n" -> "1n"); a BinarySI value is capped, silently, at 2^63-1 ("8Ei").
//
// Where Crescendo is stricter than Kubernetes (documented, deliberate):
//   - A number with no digit at all ("", ".", "+", "-", "-.", "Mi", "k") is an error; Kubernetes'
//     scanner reads those as zero although its own grammar (above) does not allow them.
//   - Values are exact up to 38 significant digits at or above 1n, and decimal exponents must
//     fit in 32 bits; larger inputs are rejected instead of carried in arbitrary precision.
//   - A BinarySI value of 2^70 or more keeps the "Ei" suffix (Kubernetes would drop it), and
//     one of 10^1000 or more (reachable only through FromScaled) prints as DecimalSI.
//   - MilliValue() and Value() saturate at the int64 limits (Kubernetes leaves overflow
//     undefined).
//
// Thread safety: a value type; immutable after construction.
#ifndef CRESCENDO_BASE_QUANTITY_H_
#define CRESCENDO_BASE_QUANTITY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "crescendo/base/status.h"

namespace crescendo {

class Quantity {
 public:
  enum class Format { kDecimalSI, kBinarySI, kDecimalExponent };

  // Returns the zero quantity ("0", DecimalSI).
  Quantity() = default;

  // Parses `text` as Kubernetes does (resource.ParseQuantity).
  // Errors: InvalidArgument, with the input and what was expected, for an empty string, a
  // malformed number, an unknown suffix, or a value too large to represent.
  static StatusOr<Quantity> Parse(std::string_view text);

  // Returns the quantity value * 10^scale in `format`, e.g. FromScaled(250, -3) is 250m.
  static Quantity FromScaled(int64_t value, int32_t scale, Format format = Format::kDecimalSI);
  // Returns `milli`/1000 in `format`.
  static Quantity FromMilli(int64_t milli, Format format = Format::kDecimalSI);
  // Returns the integer `value` in `format`.
  static Quantity FromInt(int64_t value, Format format = Format::kDecimalSI);

  // Returns the value in milli-units, rounded up (away from zero) as Kubernetes' MilliValue(),
  // saturated at the int64 limits.
  int64_t MilliValue() const;
  // Returns the value in units, rounded up (away from zero) as Kubernetes' Value(), saturated
  // at the int64 limits.
  int64_t Value() const;
  // Returns the value as a double (may lose precision).
  double AsDouble() const;

  Format format() const { return format_; }
  bool IsZero() const;

  // Returns the canonical string, as Kubernetes' Quantity.String().
  std::string ToString() const;

  // Returns -1, 0 or 1 as this is less than, equal to or greater than `other`.
  int Compare(const Quantity& other) const;
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.Compare(b) == 0; }

 private:
  __extension__ typedef __int128 Int128;

  // Returns mantissa * 10^scale in `format`, trailing zeros of the mantissa moved to the scale.
  static Quantity Make(Int128 mantissa, int64_t scale, Format format);
  // Returns ceil(|value| / 10^scale) with the sign of the value, saturated to int64.
  int64_t ScaledValue(int64_t scale) const;

  // The value is mantissa_ * 10^scale_. Invariants: |mantissa_| < 10^38; mantissa_ has no
  // trailing decimal zero; zero is mantissa_ == 0, scale_ == 0.
  Int128 mantissa_ = 0;
  int64_t scale_ = 0;
  Format format_ = Format::kDecimalSI;
  // The parsed text, when Kubernetes would echo it from String(); else empty.
  std::string text_;
};

}  // namespace crescendo

#endif  // CRESCENDO_BASE_QUANTITY_H_

// Kubernetes resource quantities ("250m", "1.5", "512Mi", "1G", "1e3").
//
// Parsing and canonical formatting follow k8s.io/apimachinery/pkg/api/resource exactly:
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= <binarySI> (Ki Mi Gi Ti Pi Ei) | <decimalSI> (n u m "" k M G T P E)
//                | <decimalExponent> (e<signedNumber> | E<signedNumber>)
// A quantity remembers the format of its suffix; ToString() gives the canonical form Kubernetes
// would print (e.g. "1.5" -> "1500m", "1536Mi" -> "1536Mi", "1e3" -> "1e3", "0.1Gi" -> ...).
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

  // Returns the value in milli-units, rounded up (away from zero) as Kubernetes' MilliValue().
  int64_t MilliValue() const;
  // Returns the value in units, rounded up (away from zero) as Kubernetes' Value().
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
  // The value is mantissa_ * 10^scale_ (exact while it fits; larger inputs are rejected).
  // Implementations may normalize; see quantity.cc.
  __extension__ __int128 mantissa_ = 0;
  int32_t scale_ = 0;
  Format format_ = Format::kDecimalSI;
};

}  // namespace crescendo

#endif  // CRESCENDO_BASE_QUANTITY_H_

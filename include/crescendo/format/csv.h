// The one CSV reader: lines split into fields (RFC 4180 quoting), a header, numbers read under a
// policy the caller chooses, and errors in the one located form of crescendo/format/location.h
// ("FILE:LINE:COLUMN: FIELD: found X, expected Y"; COLUMN is the byte where the field starts).
//
// Two ways in: ParseCsv reads a whole text held in memory (read through format::ReadFile);
// SplitCsvLine splits one line, for readers that stream (a gzip trace read line by line).
//
// Thread safety: value types and pure functions.
#ifndef CRESCENDO_FORMAT_CSV_H_
#define CRESCENDO_FORMAT_CSV_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crescendo/base/status.h"
#include "crescendo/format/location.h"

namespace crescendo::format {

struct CsvDialect {
  char delimiter = ',';
  bool trim = true;  // drop spaces and tabs around each unquoted field
};

struct CsvField {
  std::string text;  // without its quotes; "" inside quotes is one '"'
  int column = 1;    // 1-based byte column where the field starts in its line
};

// Returns the delimiter a header line uses: ';' when it has one, else ',' when it has one, else
// a tab.
char DetectDelimiter(std::string_view header_line);

// Splits one line (without its newline; a trailing '\r' is dropped) at the dialect's delimiter
// outside double quotes. A field that starts with '"' is quoted: it runs to the closing quote,
// with "" standing for one quote. Errors (InvalidArgument, located at `file`:`line`): a quote
// that is never closed; text after a closing quote.
StatusOr<std::vector<CsvField>> SplitCsvLine(std::string_view line, const std::string& file,
                                             int line_number, const CsvDialect& dialect = {});

struct CsvOptions {
  CsvDialect dialect;
  bool header = true;          // the first non-blank line names the columns
  bool comment_lines = false;  // skip lines whose first non-blank byte is '#'
  size_t max_line_bytes = size_t{1} << 20;
  size_t max_rows = size_t{50} << 20;  // rows after the header
};

struct CsvRow {
  int line = 0;  // 1-based line number in the file
  std::vector<CsvField> fields;
};

struct CsvTable {
  std::string file;
  int header_line = 0;              // 0 without a header
  std::vector<std::string> header;  // the column names; empty without a header
  std::vector<CsvRow> rows;         // blank lines skipped

  // Returns the index of the column named `name`, or of the 1-based column number `name`
  // spells ("3"), or nullopt.
  std::optional<size_t> Column(std::string_view name) const;
};

// Reads `text` (named `file` in errors). Blank lines are skipped. Errors (InvalidArgument,
// located): a line longer than max_line_bytes; more rows than max_rows; those of SplitCsvLine.
// Rows may have any number of fields: the caller checks them (RequireFieldCount).
StatusOr<CsvTable> ParseCsv(std::string_view text, const std::string& file,
                            const CsvOptions& options = {});

// Returns the error "FILE:LINE:COLUMN: NAME: found FOUND, expected EXPECTED" at `field`.
Status CsvError(const std::string& file, int line, const CsvField& field, std::string_view name,
                std::string_view found, std::string_view expected);

// Checks that `row` has exactly `count` fields: else "FILE:LINE: row: found N fields, expected
// COUNT as in the header".
Status RequireFieldCount(const std::string& file, const CsvRow& row, size_t count);

// What a number may be. An empty field is refused unless empty_ok (then the result is nullopt).
struct CsvNumberRule {
  double min = -1.7976931348623157e308;
  double max = 1.7976931348623157e308;
  bool allow_non_finite = false;  // accept "inf", "-inf" and "nan" (then min/max do not apply)
  bool empty_ok = false;
};

// Reads `field` (trimmed) as a decimal number under `rule`. Errors: CsvError naming `name`,
// e.g. `s.csv:3:7: cpu: found "-1", expected a finite number from 0 to 1e+06`.
StatusOr<std::optional<double>> CsvNumber(const std::string& file, int line, const CsvField& field,
                                          std::string_view name, const CsvNumberRule& rule);

}  // namespace crescendo::format

#endif  // CRESCENDO_FORMAT_CSV_H_

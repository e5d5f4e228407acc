#include "crescendo/format/csv.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "crescendo/base/text.h"

namespace crescendo::format {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::string Bound(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

char DetectDelimiter(std::string_view header_line) {
  if (header_line.find(';') != std::string_view::npos) return ';';
  if (header_line.find(',') != std::string_view::npos) return ',';
  return '\t';
}

StatusOr<std::vector<CsvField>> SplitCsvLine(std::string_view line, const std::string& file,
                                             int line_number, const CsvDialect& dialect) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<CsvField> fields;
  size_t i = 0;
  while (true) {
    size_t start = i;
    if (dialect.trim) {
      while (i < line.size() && IsBlank(line[i])) ++i;
    }
    CsvField field;
    field.column = static_cast<int>(i + 1);
    if (i < line.size() && line[i] == '"') {  // quoted: to the closing quote, "" is one quote
      const size_t open = i++;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] != '"') {
          field.text += line[i++];
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field.text += '"';
          i += 2;
        } else {
          closed = true;
          ++i;
          break;
        }
      }
      if (!closed) {
        return LocatedError(Location::InFile(file, line_number, static_cast<int>(open + 1)), "",
                            "a quote that is never closed", "a closing '\"' on the same line");
      }
      while (dialect.trim && i < line.size() && IsBlank(line[i])) ++i;
      if (i < line.size() && line[i] != dialect.delimiter) {
        return LocatedError(Location::InFile(file, line_number, static_cast<int>(i + 1)), "",
                            "text after a closing quote", "a delimiter or the end of the line");
      }
    } else {
      size_t end = line.find(dialect.delimiter, start);
      if (end == std::string_view::npos) end = line.size();
      std::string_view text = line.substr(i, end - i);
      field.text = std::string(dialect.trim ? TrimBlanks(text) : line.substr(start, end - start));
      if (!dialect.trim) field.column = static_cast<int>(start + 1);
      i = end;
    }
    fields.push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;                     // the delimiter
    if (i == line.size()) {  // a delimiter at the end: one more, empty field
      fields.push_back(CsvField{"", static_cast<int>(i + 1)});
      break;
    }
  }
  return fields;
}

std::optional<size_t> CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  size_t number = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec == std::errc() && end == name.data() + name.size() && number >= 1 &&
      (header.empty() || number <= header.size())) {
    return number - 1;
  }
  return std::nullopt;
}

StatusOr<CsvTable> ParseCsv(std::string_view text, const std::string& file,
                            const CsvOptions& options) {
  CsvTable table;
  table.file = file;
  int line_number = 0;
  while (!text.empty()) {
    const size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (line.size() > options.max_line_bytes) {
      return LocatedError(Location::InFile(file, line_number, 0), "",
                          "a line of " + std::to_string(line.size()) + " bytes",
                          "at most " + std::to_string(options.max_line_bytes) + " bytes a line");
    }
    std::string_view content = TrimBlanks(line);
    if (content.empty() || content == "\r") continue;
    if (options.comment_lines && content.front() == '#') continue;
    CRESCENDO_ASSIGN_OR_RETURN(std::vector<CsvField> fields,
                               SplitCsvLine(line, file, line_number, options.dialect));
    if (options.header && table.header_line == 0) {
      table.header_line = line_number;
      for (CsvField& f : fields) table.header.push_back(std::move(f.text));
      continue;
    }
    if (table.rows.size() >= options.max_rows) {
      return LocatedError(Location::InFile(file, line_number, 0), "", "more rows",
                          "at most " + std::to_string(options.max_rows) + " rows");
    }
    table.rows.push_back(CsvRow{line_number, std::move(fields)});
  }
  return table;
}

Status CsvError(const std::string& file, int line, const CsvField& field, std::string_view name,
                std::string_view found, std::string_view expected) {
  return LocatedError(Location::InFile(file, line, field.column), name, found, expected);
}

Status RequireFieldCount(const std::string& file, const CsvRow& row, size_t count) {
  if (row.fields.size() == count) return Status::Ok();
  return LocatedError(Location::InFile(file, row.line, 0), "row",
                      std::to_string(row.fields.size()) + " fields",
                      std::to_string(count) + " as in the header");
}

StatusOr<std::optional<double>> CsvNumber(const std::string& file, int line, const CsvField& field,
                                          std::string_view name, const CsvNumberRule& rule) {
  std::string_view text = TrimBlanks(field.text);
  if (text.empty() && rule.empty_ok) return std::optional<double>();
  std::string expected =
      rule.allow_non_finite ? "a number (inf and nan allowed) from " : "a finite number from ";
  expected += Bound(rule.min) + " to " + Bound(rule.max);
  if (rule.empty_ok) expected += ", or nothing";
  auto refuse = [&] { return CsvError(file, line, field, name, QuoteExcerpt(text), expected); };
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || end != text.data() + text.size() || ec == std::errc::invalid_argument) {
    return refuse();
  }
  if (ec == std::errc::result_out_of_range) v = std::strtod(std::string(text).c_str(), nullptr);
  if (!std::isfinite(v)) {
    if (!rule.allow_non_finite) return refuse();
    return std::optional<double>(v);
  }
  if (v < rule.min || v > rule.max) return refuse();
  return std::optional<double>(v);
}

}  // namespace crescendo::format

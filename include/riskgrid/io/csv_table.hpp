#pragma once

#include <cstddef>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "riskgrid/core/error.hpp"

namespace riskgrid::io {

/// One data row: its fields and the 1-based physical line it starts on.
struct csv_row {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

namespace detail {

[[nodiscard]] inline std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

[[nodiscard]] inline std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace detail

/// How header names are compared: field names ignore case (DESIGN.md §6); factor names
/// (covariance and history headers) do not.
enum class header_case { insensitive, sensitive };

/// A CSV file read by the rules of DESIGN.md §6: header row; UTF-8 with optional BOM;
/// LF or CRLF; RFC 4180 quoting (quoted fields may hold commas, doubled quotes and line
/// breaks); a line starting with `#` is a comment; blank lines are skipped; unquoted
/// fields are trimmed; header names are matched case-insensitively; a row with a number
/// of fields other than the header's is an error.
///
/// Why our own reader: every error must name the physical line (comments and blank
/// lines counted) and the column, which general CSV libraries do not report.
/// Every defect throws input_error(source, line, column, reason).
class csv_table {
 public:
  /// Reads and parses `path`; throws input_error if it cannot be read or is malformed.
  [[nodiscard]] static csv_table read_file(const std::string& path,
                                           header_case names = header_case::insensitive) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw input_error(path, "cannot open file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw input_error(path, "cannot read file");
    return parse(text.str(), path, names);
  }

  /// Parses `text`; `source` names it in errors.
  [[nodiscard]] static csv_table parse(std::string_view text, std::string source,
                                       header_case names = header_case::insensitive) {
    csv_table table;
    table.names_ = names;
    table.source_ = std::move(source);
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::size_t pos = 0, line = 1;
    bool have_header = false;
    while (pos < text.size()) {
      const std::size_t row_line = line;
      // A comment or blank line (only outside quotes, i.e. at the start of a record).
      const auto eol = text.find('\n', pos);
      const auto raw = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
      const auto stripped = detail::trim(raw.ends_with('\r') ? raw.substr(0, raw.size() - 1) : raw);
      if (stripped.empty() || raw.starts_with('#')) {
        pos = eol == std::string_view::npos ? text.size() : eol + 1;
        ++line;
        continue;
      }
      auto fields = table.parse_record(text, pos, line);
      if (!have_header) {
        table.header_line_ = row_line;
        for (std::size_t c = 0; c < fields.size(); ++c) {
          if (fields[c].empty()) throw input_error(table.source_, row_line, c + 1, "empty column name in header");
          for (std::size_t d = 0; d < table.header_.size(); ++d)
            if (table.same_name(table.header_[d], fields[c]))
              throw input_error(table.source_, row_line, c + 1, "duplicate column '" + fields[c] + "'");
          table.header_.push_back(fields[c]);
        }
        have_header = true;
        continue;
      }
      if (fields.size() != table.header_.size())
        throw input_error(table.source_, row_line, 0,
                          "expected " + std::to_string(table.header_.size()) + " fields, got " +
                              std::to_string(fields.size()));
      table.rows_.push_back({row_line, std::move(fields)});
    }
    if (!have_header) throw input_error(table.source_, "empty file (no header row)");
    return table;
  }

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] const std::vector<std::string>& header() const noexcept { return header_; }
  [[nodiscard]] std::size_t header_line() const noexcept { return header_line_; }
  [[nodiscard]] const std::vector<csv_row>& rows() const noexcept { return rows_; }

  /// 0-based index of the column named `name` (case-insensitive), if present.
  [[nodiscard]] std::optional<std::size_t> column(std::string_view name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
      if (same_name(header_[c], name)) return c;
    return std::nullopt;
  }

  /// Like column(), but a missing column is an input_error on the header line.
  [[nodiscard]] std::size_t require_column(std::string_view name) const {
    if (const auto c = column(name)) return *c;
    throw input_error(source_, header_line_, 0, "missing required column '" + std::string(name) + "'");
  }

 private:
  // Parses one record starting at text[pos]; advances pos past its line end and line
  // past every line break consumed (quoted fields may span lines).
  std::vector<std::string> parse_record(std::string_view text, std::size_t& pos, std::size_t& line) const {
    std::vector<std::string> fields;
    while (true) {
      std::string field;
      std::size_t p = pos;
      while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
      if (p < text.size() && text[p] == '"') {
        const std::size_t column = fields.size() + 1;
        const std::size_t quote_line = line;  // where the quote opens, not the record
        ++p;
        while (true) {
          if (p >= text.size())
            throw input_error(source_, quote_line, column, "unterminated quoted field");
          const char c = text[p];
          if (c == '"') {
            if (p + 1 < text.size() && text[p + 1] == '"') {
              field.push_back('"');
              p += 2;
              continue;
            }
            ++p;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++p;
        }
        while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
        if (p < text.size() && text[p] == '\r' && (p + 1 == text.size() || text[p + 1] == '\n')) ++p;
        if (p < text.size() && text[p] != ',' && text[p] != '\n')
          throw input_error(source_, line, column, "unexpected character after a closing quote");
      } else {
        const std::size_t begin = p;
        while (p < text.size() && text[p] != ',' && text[p] != '\n') {
          if (text[p] == '"')
            throw input_error(source_, line, fields.size() + 1, "quote inside an unquoted field");
          ++p;
        }
        auto raw = text.substr(begin, p - begin);
        if (raw.ends_with('\r') && (p == text.size() || text[p] == '\n')) raw.remove_suffix(1);
        field = std::string(detail::trim(raw));
      }
      fields.push_back(std::move(field));
      if (p >= text.size()) {
        pos = text.size();
        return fields;
      }
      if (text[p] == '\n') {
        pos = p + 1;
        ++line;
        return fields;
      }
      pos = p + 1;  // a comma
    }
  }

  [[nodiscard]] bool same_name(std::string_view a, std::string_view b) const {
    return names_ == header_case::sensitive ? a == b : detail::lower(a) == detail::lower(b);
  }

  std::string source_;
  header_case names_ = header_case::insensitive;
  std::vector<std::string> header_;
  std::size_t header_line_ = 0;
  std::vector<csv_row> rows_;
};

}  // namespace riskgrid::io

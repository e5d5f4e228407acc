#include "store/diff.h"

#include <set>
#include <sstream>
#include <vector>

namespace crescendo::store {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string DiffLines(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i, ++j;
    } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "-" + a[i++] + "\n";
    } else {
      out += "+" + b[j++] + "\n";
    }
  }
  return out;
}

}  // namespace

std::string DiffFiles(const std::map<std::string, std::string>& before,
                      const std::map<std::string, std::string>& after) {
  std::set<std::string> paths;
  for (const auto& [path, text] : before) paths.insert(path);
  for (const auto& [path, text] : after) paths.insert(path);
  std::string out;
  for (const std::string& path : paths) {
    auto b = before.find(path);
    auto a = after.find(path);
    std::string old_text = b == before.end() ? "" : b->second;
    std::string new_text = a == after.end() ? "" : a->second;
    if (old_text == new_text && (b == before.end()) == (a == after.end())) continue;
    out += "--- " + (b == before.end() ? std::string("/dev/null") : path) + "\n";
    out += "+++ " + (a == after.end() ? std::string("/dev/null") : path) + "\n";
    out += DiffLines(Lines(old_text), Lines(new_text));
  }
  return out;
}

}  // namespace crescendo::store

#include "docker/dockerfile.h"

#include <cctype>
#include <set>

namespace slant::docker {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool isSpace(char c) { return c == ' ' || c == '\t'; }

// Replaces $VAR and ${VAR} (also ${VAR:-default}) with their values; unknown ones become empty,
// as Docker expands them.
std::string expandArgs(std::string_view s, const std::map<std::string, std::string>& args) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    std::string name, fallback;
    bool has_fallback = false;
    if (s[i + 1] == '{') {
      std::size_t close = s.find('}', i + 2);
      if (close == std::string_view::npos) {
        out += s.substr(i);
        break;
      }
      std::string_view inner = s.substr(i + 2, close - i - 2);
      std::size_t dash = inner.find(":-");
      if (dash != std::string_view::npos) {
        has_fallback = true;
        fallback = std::string(inner.substr(dash + 2));
        inner = inner.substr(0, dash);
      }
      name = std::string(inner);
      i = close;
    } else {
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      if (j == i + 1) {
        out += '$';
        continue;
      }
      name = std::string(s.substr(i + 1, j - i - 1));
      i = j - 1;
    }
    auto it = args.find(name);
    if (it != args.end() && !(has_fallback && it->second.empty()))
      out += it->second;
    else if (has_fallback)
      out += fallback;
  }
  return out;
}

struct Token {
  std::size_t begin, end;
};

std::vector<Token> tokens(std::string_view line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isSpace(line[i])) ++i;
    if (i == line.size()) break;
    std::size_t b = i;
    while (i < line.size() && !isSpace(line[i])) ++i;
    out.push_back({b, i});
  }
  return out;
}

}  // namespace

std::pair<std::string, std::string> splitRepoTag(std::string_view ref) {
  std::string_view r = ref;
  std::size_t at = r.find('@');
  if (at != std::string_view::npos) r = r.substr(0, at);
  std::size_t slash = r.rfind('/');
  std::size_t colon = r.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    return {std::string(r.substr(0, colon)), std::string(r.substr(colon + 1))};
  return {std::string(r), {}};
}

std::string imageRefName(std::string_view ref) {
  std::string name = splitRepoTag(ref).first;
  for (std::string_view prefix :
       {"docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/"}) {
    if (name.starts_with(prefix)) {
      name = name.substr(prefix.size());
      break;
    }
  }
  return name;
}

std::expected<std::string, std::string> injectImageDependencies(
    std::string_view dockerfile, const std::map<std::string, std::string>& built_deps,
    const std::vector<std::pair<std::string, std::string>>& build_args,
    std::string_view image_ref) {
  std::map<std::string, std::string> deps;  // image name -> built ref
  for (const auto& [ref, built] : built_deps) deps[imageRefName(ref)] = built;
  std::set<std::string> used;
  std::set<std::string> stages;
  std::map<std::string, std::string> args;  // ARGs before the first FROM, then build args win
  bool seen_from = false;
  std::string out;
  out.reserve(dockerfile.size() + 64);

  auto replaceable = [&](const std::string& image) -> const std::string* {
    if (stages.contains(lower(image))) return nullptr;
    auto it = deps.find(imageRefName(image));
    if (it == deps.end()) return nullptr;
    used.insert(it->first);
    return &it->second;
  };

  std::size_t pos = 0;
  while (pos < dockerfile.size() || pos == 0) {
    std::size_t nl = dockerfile.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? dockerfile.size() : nl;
    std::string line(dockerfile.substr(pos, end - pos));
    std::vector<Token> toks = tokens(line);
    std::string keyword =
        toks.empty() ? "" : lower(line.substr(toks[0].begin, toks[0].end - toks[0].begin));
    if (keyword == "arg" && !seen_from && toks.size() >= 2) {
      std::string decl = line.substr(toks[1].begin, toks[1].end - toks[1].begin);
      std::size_t eq = decl.find('=');
      std::string name = decl.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : decl.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
          value.back() == value.front())
        value = value.substr(1, value.size() - 2);
      args[name] = value;
    } else if (keyword == "from") {
      if (!seen_from) {
        seen_from = true;
        for (const auto& [k, v] : build_args) args[k] = v;
      }
      std::size_t i = 1;
      while (i < toks.size() && line.compare(toks[i].begin, 2, "--") == 0) ++i;
      if (i < toks.size()) {
        Token t = toks[i];
        std::string image = expandArgs(line.substr(t.begin, t.end - t.begin), args);
        const std::string* built = replaceable(image);
        if (i + 2 < toks.size() && lower(line.substr(toks[i + 1].begin, 2)) == "as" &&
            toks[i + 1].end - toks[i + 1].begin == 2)
          stages.insert(lower(line.substr(toks[i + 2].begin, toks[i + 2].end - toks[i + 2].begin)));
        if (built) line.replace(t.begin, t.end - t.begin, *built);
      }
    } else if (keyword == "copy") {
      // Replace from the right so that earlier offsets stay valid.
      for (std::size_t i = toks.size(); i-- > 1;) {
        std::string tok = line.substr(toks[i].begin, toks[i].end - toks[i].begin);
        if (!lower(tok).starts_with("--from=")) continue;
        std::string image = expandArgs(tok.substr(7), args);
        if (const std::string* built = replaceable(image))
          line.replace(toks[i].begin, toks[i].end - toks[i].begin, "--from=" + *built);
      }
    }
    out += line;
    if (nl == std::string_view::npos) break;
    out += '\n';
    pos = nl + 1;
  }
  for (const auto& [name, built] : deps) {
    if (!used.contains(name))
      return std::unexpected("could not inject image \"" + built +
                             "\" into Dockerfile of image \"" + std::string(image_ref) + "\"");
  }
  return out;
}

}  // namespace slant::docker

// docker_build, custom_build and default_registry, and the assembly of the images they declare.
//
// Image references follow Docker's distribution/reference grammar, which Tilt uses through
// internal/container: a ref is normalized ("foo" is docker.io/library/foo) and an image is
// matched to a use of it by name, or by the whole ref when the Tiltfile gave a tag (or two images
// share a name). Assembly (assembleImages) works out which built images each image is built
// from (its Dockerfile's FROM and COPY --from lines, custom_build's image_deps), rejects cycles,
// and applies default_registry.
//
// The Dockerfile scan is a small reading of BuildKit's Dockerfile grammar: parser directives
// (escape), comments, line continuations and heredocs, then ARG, FROM and COPY --from with the
// ARG defaults and build args substituted as Tilt does (dockerfile.FindImages).
#include "tiltfile/build.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "starlark/lib/unpack.h"
#include "starlark/lib/util.h"
#include "tiltfile/builtins.h"
#include "tiltfile/live_update.h"
#include "tiltfile/local.h"
#include "tiltfile/values.h"
#include "watch/ignore.h"

namespace slant::tiltfile {

namespace {

using starlark::makeError;
using starlark::ObjType;
using starlark::lib::cat;

// ---- Docker references ------------------------------------------------------------------------

// distribution/reference's grammar (regexp.go), as ECMAScript regular expressions. Matching is
// anchored (regex_match) and backtracking gives the same submatches as Go's leftmost-first RE2.
struct RefGrammar {
  std::regex reference;
  std::regex anchored_name;
  std::regex identifier;

  RefGrammar() {
    const std::string alphanumeric = "[a-z0-9]+";
    const std::string separator = "(?:[._]|__|[-]+)";
    const std::string component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    const std::string port = "(?::[0-9]+)?";
    const std::string tag = "[\\w][\\w.-]{0,127}";
    const std::string digest =
        "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";
    const std::string ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
    const std::string domain_name = component + "(?:\\." + component + ")*";
    const std::string host = "(?:" + domain_name + "|" + ipv6 + ")";
    const std::string domain_and_port = host + port;
    const std::string path_component = alphanumeric + "(?:" + separator + alphanumeric + ")*";
    const std::string remote_name = path_component + "(?:/" + path_component + ")*";
    const std::string name = "(?:" + domain_and_port + "/)?" + remote_name;
    reference = std::regex("(" + name + ")(?::(" + tag + "))?(?:@(" + digest + "))?");
    anchored_name = std::regex("(?:(" + domain_and_port + ")/)?(" + remote_name + ")");
    identifier = std::regex("[a-f0-9]{64}");
  }
};

const RefGrammar& grammar() {
  static const RefGrammar g;
  return g;
}

// std::regex recurses per character; no valid reference comes near this length.
constexpr size_t kMaxRefLength = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// go-digest's Parse and Validate for the algorithms it knows.
Result<void> checkDigest(std::string_view d) {
  size_t colon = d.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == d.size()) {
    return makeError("invalid checksum digest format");
  }
  std::string_view algorithm = d.substr(0, colon);
  std::string_view encoded = d.substr(colon + 1);
  size_t want = 0;
  if (algorithm == "sha256") want = 64;
  if (algorithm == "sha384") want = 96;
  if (algorithm == "sha512") want = 128;
  if (want == 0) return makeError("unsupported digest algorithm");
  if (encoded.size() != want) return makeError("invalid checksum digest length");
  for (char c : encoded) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) {
      return makeError("invalid checksum digest format");
    }
  }
  return {};
}

// distribution/reference's Parse: any reference, not normalized.
Result<ImageRef> parseReference(std::string_view s) {
  const RefGrammar& g = grammar();
  std::string text(s);
  std::smatch m;
  if (text.size() > kMaxRefLength || !std::regex_match(text, m, g.reference)) {
    if (text.empty()) return makeError("repository name must have at least one component");
    std::string low = lower(text);
    if (low.size() <= kMaxRefLength && std::regex_match(low, g.reference)) {
      return makeError("repository name must be lowercase");
    }
    return makeError("invalid reference format");
  }
  ImageRef ref;
  std::string name = m[1].str();
  std::smatch nm;
  if (std::regex_match(name, nm, g.anchored_name)) {
    ref.domain = nm[1].str();
    ref.path = nm[2].str();
  } else {
    ref.path = name;
  }
  if (ref.path.size() > 255)
    return makeError("repository name must not be more than 255 characters");
  ref.tag = m[2].str();
  ref.digest = m[3].str();
  if (!ref.digest.empty()) TRY_VOID(checkDigest(ref.digest));
  return ref;
}

// distribution/reference's splitDockerDomain.
std::pair<std::string, std::string> splitDockerDomain(std::string_view name) {
  std::string domain;
  std::string remote;
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    return {"docker.io", cat("library/", name)};
  }
  std::string_view maybe_domain = name.substr(0, slash);
  std::string_view maybe_remote = name.substr(slash + 1);
  if (maybe_domain == "index.docker.io") {
    domain = "docker.io";
    remote = std::string(maybe_remote);
  } else if (maybe_domain == "localhost" ||
             maybe_domain.find_first_of(".:") != std::string_view::npos ||
             lower(maybe_domain) != maybe_domain) {
    domain = std::string(maybe_domain);
    remote = std::string(maybe_remote);
  } else {
    domain = "docker.io";
    remote = std::string(name);
  }
  if (domain == "docker.io" && remote.find('/') == std::string::npos) {
    remote = "library/" + remote;
  }
  return {domain, remote};
}

// Go's regexp [/:@] -> "_", as container.escapeName.
std::string escapeName(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '/' || c == ':' || c == '@') c = '_';
  }
  return out;
}

// ---- Dockerfiles ------------------------------------------------------------------------------

using ArgMap = std::map<std::string, std::string, std::less<>>;

bool isNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

Result<std::string> processWord(std::string_view w, const ArgMap& env, char esc);

// The end of a ${...} body starting at `i` (just after the operator): the index of its closing
// brace, skipping quotes and nested ${...}.
std::optional<size_t> closingBrace(std::string_view w, size_t i, char esc) {
  int depth = 0;
  char quote = 0;
  for (; i < w.size(); ++i) {
    char c = w[i];
    if (c == esc && i + 1 < w.size()) {
      ++i;
      continue;
    }
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < w.size() && w[i + 1] == '{') {
      ++depth;
      ++i;
    } else if (c == '}') {
      if (depth == 0) return i;
      --depth;
    }
  }
  return std::nullopt;
}

// One $ expansion at w[i] == '$'; advances i past it. BuildKit's shell.Lex processDollar, for
// $NAME, ${NAME} and the ${NAME:-word} ${NAME-word} ${NAME:+word} ${NAME+word} ${NAME:?msg}
// ${NAME?msg} forms.
Result<std::string> expandDollar(std::string_view w, size_t& i, const ArgMap& env, char esc) {
  ++i;
  if (i >= w.size()) return std::string("$");
  if (w[i] != '{') {
    if (!isNameChar(w[i])) return std::string("$");
    size_t start = i;
    while (i < w.size() && isNameChar(w[i])) ++i;
    auto it = env.find(w.substr(start, i - start));
    return it == env.end() ? std::string() : it->second;
  }
  ++i;
  size_t start = i;
  while (i < w.size() && isNameChar(w[i])) ++i;
  std::string_view name = w.substr(start, i - start);
  if (i >= w.size()) return makeError("missing '}'");
  auto it = env.find(name);
  bool set = it != env.end();
  std::string value = set ? it->second : std::string();
  if (w[i] == '}') {
    ++i;
    return value;
  }
  bool colon = false;
  if (w[i] == ':') {
    colon = true;
    ++i;
  }
  if (i >= w.size()) return makeError("missing '}'");
  char op = w[i++];
  auto end = closingBrace(w, i, esc);
  if (!end) return makeError("missing '}'");
  std::string_view body = w.substr(i, *end - i);
  i = *end + 1;
  bool empty = !set || (colon && value.empty());
  switch (op) {
    case '-':
      return empty ? processWord(body, env, esc) : Result<std::string>(value);
    case '+':
      return empty ? Result<std::string>(std::string()) : processWord(body, env, esc);
    case '?':
      if (empty) return makeError(cat(name, ": ", body));
      return value;
    default:
      return makeError(cat("unsupported modifier (", std::string(1, op), ") in substitution"));
  }
}

// BuildKit's shell.Lex ProcessWord: quotes removed, escapes applied, variables expanded.
Result<std::string> processWord(std::string_view w, const ArgMap& env, char esc) {
  std::string out;
  size_t i = 0;
  while (i < w.size()) {
    char c = w[i];
    if (c == '\'') {
      size_t end = w.find('\'', i + 1);
      if (end == std::string_view::npos) {
        return makeError("unexpected end of statement while looking for matching single-quote");
      }
      out.append(w.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '"') {
      ++i;
      while (true) {
        if (i >= w.size()) {
          return makeError("unexpected end of statement while looking for matching double-quote");
        }
        char d = w[i];
        if (d == '"') {
          ++i;
          break;
        }
        if (d == '$') {
          out += TRY(expandDollar(w, i, env, esc));
          continue;
        }
        if (d == esc && i + 1 < w.size() &&
            (w[i + 1] == '"' || w[i + 1] == '$' || w[i + 1] == esc)) {
          out += w[i + 1];
          i += 2;
          continue;
        }
        out += d;
        ++i;
      }
    } else if (c == '$') {
      out += TRY(expandDollar(w, i, env, esc));
    } else if (c == esc) {
      if (i + 1 < w.size()) out += w[i + 1];
      i += 2;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view trimSpace(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on whitespace, keeping quoted spans (quotes included) and escaped characters in their
// word, as BuildKit's parseWords.
std::vector<std::string> parseWords(std::string_view s, char esc) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (!in_word) {
      if (isSpace(c)) continue;
      in_word = true;
    }
    if (quote == 0 && isSpace(c)) {
      words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == esc && i + 1 < s.size() && quote != '\'') {
      word += c;
      word += s[++i];
      continue;
    }
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (quote == c) {
      quote = 0;
    }
    word += c;
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> splitWhitespace(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && isSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !isSpace(s[i])) ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

// One instruction of a Dockerfile: the lowercased command, its --flags, and the rest.
struct Instruction {
  std::string command;
  std::vector<std::string> flags;
  std::string args;
};

// The leading "--name=value" words of an instruction's arguments (quotes removed), as BuildKit's
// extractBuilderFlags; returns the rest.
std::string_view extractFlags(std::string_view s, std::vector<std::string>& flags) {
  while (true) {
    size_t i = 0;
    while (i < s.size() && isSpace(s[i])) ++i;
    s.remove_prefix(i);
    if (!s.starts_with("--")) return s;
    std::string flag;
    char quote = 0;
    size_t j = 0;
    for (; j < s.size(); ++j) {
      char c = s[j];
      if (quote == 0 && isSpace(c)) break;
      if (quote == 0 && (c == '\'' || c == '"')) {
        quote = c;
        continue;
      }
      if (quote != 0 && c == quote) {
        quote = 0;
        continue;
      }
      flag += c;
    }
    flags.push_back(std::move(flag));
    s.remove_prefix(j);
  }
}

// The heredoc terminators an instruction's arguments open ("<<EOF", "<<-EOF", "<<'EOF'"), with
// whether leading tabs are stripped before comparing.
std::vector<std::pair<std::string, bool>> heredocs(std::string_view args) {
  std::vector<std::pair<std::string, bool>> out;
  for (const std::string& word : splitWhitespace(args)) {
    size_t i = 0;
    while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) ++i;
    if (word.compare(i, 2, "<<") != 0) continue;
    i += 2;
    bool strip_tabs = i < word.size() && word[i] == '-';
    if (strip_tabs) ++i;
    std::string name = word.substr(i);
    if (name.size() >= 2 && (name.front() == '\'' || name.front() == '"') &&
        name.back() == name.front()) {
      name = name.substr(1, name.size() - 2);
    }
    if (name.empty() || name.find('<') != std::string::npos) continue;
    out.emplace_back(std::move(name), strip_tabs);
  }
  return out;
}

std::vector<Instruction> parseDockerfile(std::string_view text, char& esc) {
  std::vector<std::string_view> lines;
  for (size_t i = 0; i <= text.size();) {
    size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(i, nl - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    i = nl + 1;
  }

  esc = '\\';
  size_t n = 0;
  // Parser directives: "# name=value" lines before anything else.
  static const std::regex directive(R"(#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*)");
  for (; n < lines.size(); ++n) {
    std::string line(lines[n]);
    std::smatch m;
    if (!std::regex_match(line, m, directive)) break;
    if (lower(m[1].str()) == "escape" && (m[2].str() == "`" || m[2].str() == "\\")) {
      esc = m[2].str()[0];
    }
  }

  auto is_comment = [](std::string_view line) {
    line = trimSpace(line);
    return !line.empty() && line.front() == '#';
  };
  // Strips a trailing escape (and the blanks after it); returns whether there was one.
  auto continues = [&](std::string& line) {
    size_t end = line.size();
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    if (end == 0 || line[end - 1] != esc) return false;
    line.resize(end - 1);
    return true;
  };

  std::vector<Instruction> out;
  while (n < lines.size()) {
    std::string_view first = trimSpace(lines[n++]);
    if (first.empty() || first.front() == '#') continue;
    std::string line(first);
    bool more = continues(line);
    while (more && n < lines.size()) {
      std::string_view next = lines[n++];
      if (is_comment(next) || trimSpace(next).empty()) continue;
      std::string part(next);
      more = continues(part);
      line += part;
    }
    std::string_view trimmed = trimSpace(line);
    size_t space = 0;
    while (space < trimmed.size() && !isSpace(trimmed[space])) ++space;
    Instruction inst;
    inst.command = lower(trimmed.substr(0, space));
    inst.args = std::string(extractFlags(trimmed.substr(space), inst.flags));
    if (inst.command == "run" || inst.command == "copy" || inst.command == "add") {
      for (const auto& [name, strip_tabs] : heredocs(inst.args)) {
        while (n < lines.size()) {
          std::string_view body = lines[n++];
          if (strip_tabs) {
            while (!body.empty() && body.front() == '\t') body.remove_prefix(1);
          }
          if (body == name) break;
        }
      }
    }
    out.push_back(std::move(inst));
  }
  return out;
}

// One ARG instruction (or build arg) as a list of names with optional raw values.
using ArgCommand = std::vector<std::pair<std::string, std::optional<std::string>>>;

// Tilt's fakeArgsMap: applies the ARG commands in order, each value expanded against the ones
// before it. (Within one command an ARG without a value takes the previous value, as in Tilt.)
ArgMap argsMap(const std::vector<ArgCommand>& args, char esc) {
  ArgMap m;
  for (const ArgCommand& cmd : args) {
    std::string val;
    for (const auto& [key, value] : cmd) {
      if (value) {
        auto expanded = processWord(*value, m, esc);
        val = expanded ? *expanded : std::string();
      }
      m[key] = val;
    }
  }
  return m;
}

// Whether BuildKit's instruction parser accepts a FROM with these flags and arguments.
bool validFrom(const Instruction& inst, const std::vector<std::string>& args) {
  for (const std::string& f : inst.flags) {
    if (!f.starts_with("--platform=")) return false;
  }
  if (args.size() == 1) return true;
  if (args.size() != 3 || lower(args[1]) != "as") return false;
  static const std::regex stage("[a-z][a-z0-9-_.]*");
  return std::regex_match(lower(args[2]), stage);
}

// The --from value of a COPY that BuildKit's instruction parser accepts, or nullopt.
std::optional<std::string> copyFrom(const Instruction& inst) {
  static const std::set<std::string, std::less<>> kStringFlags = {"chown", "chmod", "from",
                                                                  "exclude"};
  static const std::set<std::string, std::less<>> kBoolFlags = {"link", "parents"};
  std::optional<std::string> from;
  for (const std::string& f : inst.flags) {
    std::string_view body = std::string_view(f).substr(2);
    size_t eq = body.find('=');
    std::string_view name = body.substr(0, eq);
    if (kBoolFlags.contains(name)) {
      if (eq != std::string_view::npos) {
        std::string v = lower(body.substr(eq + 1));
        if (v != "true" && v != "false") return std::nullopt;
      }
      continue;
    }
    if (!kStringFlags.contains(name) || eq == std::string_view::npos) return std::nullopt;
    if (name == "from") from = std::string(body.substr(eq + 1));
  }
  std::string_view args = trimSpace(inst.args);
  size_t count = 0;
  if (args.starts_with("[")) {
    // A JSON array: count its strings roughly by their separators.
    count =
        args.size() > 2 ? static_cast<size_t>(std::count(args.begin(), args.end(), ',')) + 1 : 0;
  } else {
    count = splitWhitespace(args).size();
  }
  if (count < 2) return std::nullopt;
  return from;
}

// ---- argument helpers -------------------------------------------------------------------------

// Go's %T of a Starlark value, as Tilt's messages print it: "starlark.Int", "*starlark.Dict".
std::string goType(const Value& v) {
  switch (v.tag()) {
    case Value::Tag::kNone:
    case Value::Tag::kUnbound:
      return "starlark.NoneType";
    case Value::Tag::kBool:
      return "starlark.Bool";
    case Value::Tag::kInt:
      return "starlark.Int";
    case Value::Tag::kFloat:
      return "starlark.Float";
    case Value::Tag::kObject:
      break;
  }
  switch (v.object()->objType()) {
    case ObjType::kString:
      return "starlark.String";
    case ObjType::kBigInt:
      return "starlark.Int";
    case ObjType::kList:
      return "*starlark.List";
    case ObjType::kTuple:
      return "starlark.Tuple";
    case ObjType::kDict:
      return "*starlark.Dict";
    case ObjType::kSet:
      return "*starlark.Set";
    case ObjType::kRange:
      return "starlark.rangeValue";
    case ObjType::kFunction:
      return "*starlark.Function";
    case ObjType::kBuiltin:
      return "*starlark.Builtin";
    case ObjType::kStruct:
      return "*starlarkstruct.Struct";
    case ObjType::kModule:
      return "*starlarkstruct.Module";
    case ObjType::kOther:
      break;
  }
  if (stringOrBlob(v)) return "io.Blob";
  return std::string(starlark::typeName(v));
}

bool isSequence(const Value& v) {
  return v.is(ObjType::kList) || v.is(ObjType::kTuple) || v.is(ObjType::kDict) ||
         v.is(ObjType::kSet) || v.is(ObjType::kRange);
}

std::string trimmed(std::string_view s) { return std::string(trimSpace(s)); }

// Tilt's value.ValueToAbsPath for a string: "expected path | string. Actual type: starlark.Int".
Result<std::string> pathArg(const Value& v) {
  if (v.isString()) return std::string(v.str());
  return makeError(cat("expected path | string. Actual type: ", goType(v)));
}

// Tilt's parseValuesToStrings: "ignore must be a string or a sequence of strings; found a
// starlark.Int", "ignore cannot contain newlines; found ignore: \"\\nx\"".
Result<std::vector<std::string>> valuesToStrings(const Value& v, std::string_view param) {
  std::vector<std::string> out;
  for (const Value& e : TRY(valueOrSequence(v))) {
    if (!e.isString()) {
      return makeError(
          cat(param, " must be a string or a sequence of strings; found a ", goType(e)));
    }
    std::string_view s = e.str();
    if (s.find('\n') != std::string_view::npos) {
      std::string quoted;
      starlark::writeQuoted(quoted, s);
      return makeError(cat(param, " cannot contain newlines; found ", param, ": ", quoted));
    }
    out.emplace_back(s);
  }
  return out;
}

// value.SequenceToStringSlice: "'1' is a starlark.Int, not a string".
Result<std::vector<std::string>> sequenceToStrings(const Value& v) {
  std::vector<std::string> out;
  for (const Value& e : TRY(starlark::collect(v))) {
    if (!e.isString()) {
      return makeError(cat("'", starlark::str(e), "' is a ", goType(e), ", not a string"));
    }
    out.emplace_back(e.str());
  }
  return out;
}

std::string goQuote(std::string_view s) {
  std::string out;
  starlark::writeQuoted(out, s);
  return out;
}

// A file's contents, or Go's os.ReadFile error ("open /x: no such file or directory").
Result<std::string> readFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return makeError(cat("read ", path, ": is a directory"));
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string msg = std::strerror(errno);
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    return makeError(cat("open ", path, ": ", msg));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// ---- image references -------------------------------------------------------------------------

std::string ImageRef::name() const { return domain.empty() ? path : cat(domain, "/", path); }

std::string ImageRef::str() const {
  std::string out = name();
  if (!tag.empty()) out += cat(":", tag);
  if (!digest.empty()) out += cat("@", digest);
  return out;
}

std::string ImageRef::familiarName() const {
  if (domain != "docker.io") return name();
  std::string_view p = path;
  if (p.starts_with("library/") && p.substr(8).find('/') == std::string_view::npos) {
    p.remove_prefix(8);
  }
  return std::string(p);
}

std::string ImageRef::familiarString() const {
  std::string out = familiarName();
  if (!tag.empty()) out += cat(":", tag);
  if (!digest.empty()) out += cat("@", digest);
  return out;
}

Result<ImageRef> parseImageRef(std::string_view s) {
  std::string text(s);
  if (std::regex_match(text, grammar().identifier)) {
    return makeError(
        cat("invalid repository name (", s, "), cannot specify 64-byte hexadecimal strings"));
  }
  auto [domain, remainder] = splitDockerDomain(s);
  std::string_view remote = remainder;
  if (size_t colon = remote.find(':'); colon != std::string_view::npos) {
    remote = remote.substr(0, colon);
  }
  if (lower(remote) != remote) {
    return makeError(
        cat("invalid reference format: repository name (", remote, ") must be lowercase"));
  }
  return parseReference(cat(domain, "/", remainder));
}

Result<ImageRef> parseCanonicalImageRef(std::string_view s) {
  ImageRef ref = TRY(parseImageRef(s));
  if (ref.str() != s) return makeError("repository name must be canonical");
  return ref;
}

std::vector<ImageRef> findDockerfileImages(
    std::string_view dockerfile,
    const std::vector<std::pair<std::string, std::string>>& build_args) {
  char esc = '\\';
  std::vector<Instruction> instructions = parseDockerfile(dockerfile, esc);
  // Tilt passes build args as "k=v" (or "k" when empty, which then reads as "").
  std::vector<ArgCommand> meta;
  for (const auto& [k, v] : build_args) {
    meta.push_back({{k, v.empty() ? std::nullopt : std::optional<std::string>(v)}});
  }
  std::vector<ImageRef> out;
  for (const Instruction& inst : instructions) {
    if (inst.command == "arg") {
      std::vector<std::string> words = parseWords(inst.args, esc);
      if (words.empty()) continue;
      ArgCommand cmd;
      for (const std::string& w : words) {
        size_t eq = w.find('=');
        if (eq == std::string::npos) {
          cmd.emplace_back(w, std::nullopt);
        } else {
          cmd.emplace_back(w.substr(0, eq), w.substr(eq + 1));
        }
      }
      // Tilt prepends the Dockerfile's ARGs, so that build args (applied last) override them.
      meta.insert(meta.begin(), std::move(cmd));
    } else if (inst.command == "from") {
      std::vector<std::string> args = splitWhitespace(inst.args);
      if (args.empty()) continue;
      std::string base = args[0];
      if (validFrom(inst, args)) {
        auto expanded = processWord(base, argsMap(meta, esc), esc);
        if (expanded) base = *expanded;
      }
      if (base.empty()) continue;
      if (auto ref = parseImageRef(base)) out.push_back(std::move(*ref));
    } else if (inst.command == "copy" && !inst.flags.empty()) {
      std::optional<std::string> from = copyFrom(inst);
      if (!from) continue;
      if (auto ref = parseImageRef(*from)) out.push_back(std::move(*ref));
    }
  }
  return out;
}

// ---- shared argument helpers ------------------------------------------------------------------

Result<starlark::ValueVector> valueOrSequence(const Value& v) {
  if (v.isUnbound() || v.isNone()) return starlark::ValueVector{};
  if (isSequence(v)) return starlark::collect(v);
  return starlark::ValueVector{v};
}

Result<std::vector<std::string>> unixCommand(const Value& v) {
  if (v.isUnbound() || v.isNone()) return std::vector<std::string>{};
  if (auto s = stringOrBlob(v)) {
    std::string script = trimmed(*s);
    if (s->empty()) return std::vector<std::string>{};
    return std::vector<std::string>{"sh", "-c", std::move(script)};
  }
  if (isSequence(v)) {
    auto argv = sequenceToStrings(v);
    if (!argv) {
      return makeError(
          cat("a command must be a string or a list of strings: ", argv.error().message()));
    }
    return std::move(*argv);
  }
  return makeError(cat("a command must be a string or list of strings. found ", goType(v)));
}

}  // namespace slant::tiltfile

namespace slant::starlark::lib {

Result<void> Unpacker<tiltfile::LocalPathList>::unpack(const Value& v,
                                                       tiltfile::LocalPathList* out) {
  out->items.clear();
  if (v.isNone()) return {};
  if (v.isString()) {
    out->items.emplace_back(v.str());
    return {};
  }
  if (!v.is(ObjType::kList) && !v.is(ObjType::kTuple)) {
    return makeError(
        cat("value should be a string or List or Tuple of strings, but is of type ", typeName(v)));
  }
  for (const Value& e : TRY(collect(v))) {
    if (!e.isString()) {
      return makeError(cat("unpacking list item at index ", out->items.size(),
                           ": expected path | string. Actual type: ", tiltfile::goType(e)));
    }
    out->items.emplace_back(e.str());
  }
  return {};
}

}  // namespace slant::starlark::lib

namespace slant::tiltfile {

namespace {

// ---- argument types local to the builtins -----------------------------------------------------

// A path argument (Tilt's value.LocalPath); None counts as not given, as Tilt's "dockerfile??".
struct PathArg {
  std::optional<std::string> path;
};

// An argument that go.starlark.net unpacks into a starlark.Sequence.
struct SequenceArg {
  Value value = Value::unbound();
};

// custom_build's image_deps (Tilt's value.ImageList).
struct ImageDepsArg {
  std::vector<ImageRef> refs;
  std::vector<std::string> texts;
};

}  // namespace

}  // namespace slant::tiltfile

namespace slant::starlark::lib {

template <>
struct Unpacker<tiltfile::PathArg> {
  static Result<void> unpack(const Value& v, tiltfile::PathArg* out) {
    if (v.isNone()) {
      out->path.reset();
      return {};
    }
    out->path = TRY(tiltfile::pathArg(v));
    return {};
  }
};

template <>
struct Unpacker<tiltfile::SequenceArg> {
  static Result<void> unpack(const Value& v, tiltfile::SequenceArg* out) {
    if (!tiltfile::isSequence(v)) return makeError(cat("got ", typeName(v), ", want sequence"));
    out->value = v;
    return {};
  }
};

template <>
struct Unpacker<tiltfile::ImageDepsArg> {
  static Result<void> unpack(const Value& v, tiltfile::ImageDepsArg* out) {
    tiltfile::StringList list;
    TRY_VOID(Unpacker<tiltfile::StringList>::unpack(v, &list));
    out->refs.clear();
    out->texts.clear();
    for (const std::string& s : list.items) {
      auto ref = tiltfile::parseImageRef(s);
      if (!ref) {
        return makeError(cat("must be a valid image reference: ", ref.error().message()));
      }
      out->refs.push_back(std::move(*ref));
      out->texts.push_back(s);
    }
    return {};
  }
};

}  // namespace slant::starlark::lib

namespace slant::tiltfile {

namespace {

const char* const kCacheObsoleteWarning =
    "docker_build(cache=...) is obsolete, and currently a no-op.\n"
    "You should switch to live_update to optimize your builds.";

// What custom_build returns: an opaque value, as Tilt's customBuild.
class CustomBuildValue final : public starlark::Object {
 public:
  explicit CustomBuildValue(std::string ref) : Object(ObjType::kOther), ref_(std::move(ref)) {}
  std::string_view typeName() const override { return "custom_build"; }
  void write(std::string& out, bool, std::vector<const Object*>&) const override {
    out += "custom_build(";
    starlark::writeQuoted(out, ref_);
    out += ")";
  }

 private:
  std::string ref_;
};

Result<ImageRef> parseRefArg(std::string_view ref) {
  auto parsed = parseImageRef(ref);
  if (!parsed) {
    return makeError(
        cat("Argument 1 (ref): can't parse ", goQuote(ref), ": ", parsed.error().message()));
  }
  return std::move(*parsed);
}

// Tilt's buildIndex.addImage: a ref may be declared once; images that share a name (differing
// by tag) all match by their whole ref.
Result<void> addImage(State& st, model::ImageTarget image, BuildState::Source source) {
  BuildState& bs = st.get<BuildState>();
  const std::string whole = source.ref.str();
  const std::string name = source.ref.name();
  bool same_name = false;
  for (size_t i = 0; i < bs.sources.size(); ++i) {
    if (bs.sources[i].ref.str() == whole) {
      return makeError(
          cat("Image for ref ", goQuote(source.ref.familiarString()), " has already been defined"));
    }
    if (bs.sources[i].ref.name() == name) {
      same_name = true;
      bs.images[i].match_exact = true;
    }
  }
  image.ref = source.ref.familiarName();
  image.tag = source.ref.tag;
  image.match_exact = !source.ref.tag.empty() || same_name;
  bs.images.push_back(std::move(image));
  bs.sources.push_back(std::move(source));
  return {};
}

Result<std::vector<std::string>> containerArgs(const SequenceArg& arg) {
  auto args = sequenceToStrings(arg.value);
  if (!args) return makeError(cat("Argument 'container_args': ", args.error().message()));
  return std::move(*args);
}

Result<Value> dockerBuild(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string ref_text;
  PathArg context;
  StringMap build_args;
  PathArg dockerfile;
  Value dockerfile_contents = Value::unbound();
  Value cache = Value::unbound();
  Value live_update = Value::unbound();
  bool match_in_env_vars = false;
  Value ignore = Value::unbound();
  Value only = Value::unbound();
  Value entrypoint = Value::unbound();
  SequenceArg container_args;
  std::string target;
  StringOrList ssh;
  StringOrList secret;
  TextArg network;
  StringOrList extra_tag;
  StringOrList cache_from;
  bool pull = false;
  TextArg platform;
  StringOrList extra_hosts;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"ref", &ref_text},
                                            {"context", &context},
                                            {"build_args?", &build_args},
                                            {"dockerfile?", &dockerfile},
                                            {"dockerfile_contents?", &dockerfile_contents},
                                            {"cache?", &cache},
                                            {"live_update?", &live_update},
                                            {"match_in_env_vars?", &match_in_env_vars},
                                            {"ignore?", &ignore},
                                            {"only?", &only},
                                            {"entrypoint?", &entrypoint},
                                            {"container_args?", &container_args},
                                            {"target?", &target},
                                            {"ssh?", &ssh},
                                            {"secret?", &secret},
                                            {"network?", &network},
                                            {"extra_tag?", &extra_tag},
                                            {"cache_from?", &cache_from},
                                            {"pull?", &pull},
                                            {"platform?", &platform},
                                            {"extra_hosts?", &extra_hosts}}));
  BuildState::Source source;
  source.ref = TRY(parseRefArg(ref_text));

  // A context of None is not a path (Tilt: "expected path | string").
  if (!context.path) {
    return makeError(cat(call.name,
                         ": for parameter context: expected path | string. Actual "
                         "type: starlark.NoneType"));
  }
  const std::string context_dir = st.absPath(*context.path);

  model::ImageTarget image;
  model::DockerBuild db;
  bool has_contents = !dockerfile_contents.isUnbound() && !dockerfile_contents.isNone();
  if (has_contents && dockerfile.path) {
    return makeError("Cannot specify both dockerfile and dockerfile_contents keyword arguments");
  }
  std::string dockerfile_path = joinPath(context_dir, "Dockerfile");
  if (has_contents) {
    auto text = stringOrBlob(dockerfile_contents);
    if (!text) return makeError("Argument (dockerfile_contents): must be string or blob.");
    db.dockerfile_contents = std::string(*text);
    source.dockerfile_text = db.dockerfile_contents;
  } else {
    if (dockerfile.path) dockerfile_path = st.absPath(*dockerfile.path);
    // Recorded before reading, so that creating a missing Dockerfile reloads the Tiltfile.
    st.addConfigFile(dockerfile_path);
    auto text = readFile(dockerfile_path);
    if (!text) return makeError(cat("error reading dockerfile: ", text.error().message()));
    source.dockerfile_text = std::move(*text);
    db.dockerfile = dockerfile_path;
  }

  if (!cache.isUnbound()) st.warn(kCacheObsoleteWarning);

  image.live_update = TRY(liveUpdateFromSteps(st, live_update));
  image.ignore = TRY(valuesToStrings(ignore, "ignore"));
  for (const std::string& o : TRY(valuesToStrings(only, "only"))) {
    // Tilt forbids globs here (tilt-dev/tilt#1982).
    if (o.find('*') != std::string::npos) {
      return makeError(cat("'only' does not support '*' file globs. Must be a real path: ", o));
    }
    image.only.push_back(joinPath(context_dir, o));
  }
  image.entrypoint = TRY(unixCommand(entrypoint));
  if (!container_args.value.isUnbound()) image.container_args = TRY(containerArgs(container_args));

  for (const std::string& tag : extra_tag.items) {
    if (auto r = parseImageRef(tag); !r) {
      return makeError(cat("Argument extra_tag=", goQuote(tag),
                           " not a valid image reference: ", r.error().message()));
    }
  }

  // Like the Docker CLI, fall back to $DOCKER_DEFAULT_PLATFORM.
  db.platform = platform.text;
  if (db.platform.empty()) {
    if (const char* env = std::getenv("DOCKER_DEFAULT_PLATFORM")) db.platform = env;
  }

  // Tilt passes build args sorted as "k=v" strings ("k" alone when the value is empty).
  db.build_args = build_args.items;
  std::sort(db.build_args.begin(), db.build_args.end(), [](const auto& a, const auto& b) {
    auto flat = [](const auto& kv) {
      return kv.second.empty() ? kv.first : kv.first + "=" + kv.second;
    };
    return flat(a) < flat(b);
  });
  db.target = target;
  db.ssh = ssh.items;
  db.secret = secret.items;
  db.network = network.text;
  db.extra_tags = extra_tag.items;
  db.cache_from = cache_from.items;
  db.pull = pull;
  db.extra_hosts = extra_hosts.items;

  image.context = context_dir;
  image.match_in_env_vars = match_in_env_vars;
  source.dockerfile_path = dockerfile_path;
  source.watch_dirs = {context_dir};
  image.docker = std::move(db);
  TRY_VOID(addImage(st, std::move(image), std::move(source)));
  return Value::none();
}

Result<Value> customBuild(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  std::string ref_text;
  Value command = Value::unbound();
  LocalPathList deps;
  std::string tag;
  bool disable_push = false;
  bool skips_local_docker = false;
  Value live_update = Value::unbound();
  bool match_in_env_vars = false;
  Value ignore = Value::unbound();
  Value entrypoint = Value::unbound();
  SequenceArg container_args;
  Value command_bat_val = Value::unbound();
  PathArg outputs_image_ref_to;
  Value command_bat = Value::unbound();
  ImageDepsArg image_deps;
  StringMap env;
  Value dir = Value::unbound();
  TRY_VOID(starlark::lib::unpackArgs(call, {{"ref", &ref_text},
                                            {"command", &command},
                                            {"deps", &deps},
                                            {"tag?", &tag},
                                            {"disable_push?", &disable_push},
                                            {"skips_local_docker?", &skips_local_docker},
                                            {"live_update?", &live_update},
                                            {"match_in_env_vars?", &match_in_env_vars},
                                            {"ignore?", &ignore},
                                            {"entrypoint?", &entrypoint},
                                            {"container_args?", &container_args},
                                            {"command_bat_val?", &command_bat_val},
                                            {"outputs_image_ref_to?", &outputs_image_ref_to},
                                            {"command_bat?", &command_bat},
                                            {"image_deps?", &image_deps},
                                            {"env?", &env},
                                            {"dir?", &dir}}));
  BuildState::Source source;
  source.ref = TRY(parseRefArg(ref_text));

  model::ImageTarget image;
  image.live_update = TRY(liveUpdateFromSteps(st, live_update));
  image.ignore = TRY(valuesToStrings(ignore, "ignore"));
  image.entrypoint = TRY(unixCommand(entrypoint));
  if (!container_args.value.isUnbound()) image.container_args = TRY(containerArgs(container_args));

  // command_bat / command_bat_val are the Windows commands; slant runs the POSIX one.
  model::CustomBuild cb;
  auto fail = [](std::string_view msg) { return makeError(cat("Argument 2 (command): ", msg)); };
  if (dir.isUnbound() || dir.isNone()) {
    cb.command.dir = st.currentDir();
  } else {
    auto d = pathArg(dir);
    if (!d)
      return fail(cat("a command directory must be empty or a string: ", d.error().message()));
    cb.command.dir = st.absPath(*d);
  }
  for (const auto& [k, v] : env.items) {
    if (k.empty()) return fail(cat("environment has empty key for value ", goQuote(v)));
  }
  cb.command.env = env.items;
  auto argv = unixCommand(command);
  if (!argv) return fail(argv.error().message());
  cb.command.argv = std::move(*argv);
  if (cb.command.argv.empty()) return makeError("Argument 2 (command) can't be empty");

  std::string ref_to;
  if (outputs_image_ref_to.path && !outputs_image_ref_to.path->empty()) {
    ref_to = st.absPath(*outputs_image_ref_to.path);
  }
  if (!tag.empty() && !ref_to.empty()) {
    return makeError("Cannot specify both tag= and outputs_image_ref_to=");
  }
  for (const std::string& d : deps.items) cb.deps.push_back(st.absPath(d));
  cb.tag = tag;
  cb.disable_push = disable_push;
  cb.skips_local_docker = skips_local_docker;
  cb.outputs_image_ref_to = ref_to;

  image.context = cb.command.dir;
  image.match_in_env_vars = match_in_env_vars;
  source.custom_deps = std::move(image_deps.refs);
  source.watch_dirs = cb.deps;
  std::string shown = source.ref.str();
  image.custom = std::move(cb);
  TRY_VOID(addImage(st, std::move(image), std::move(source)));
  return starlark::make<CustomBuildValue>(std::move(shown));
}

// Kubernetes' field error for an invalid registry host, from Docker's ParseNamed of host/fake.
std::optional<std::string> registryHostError(std::string_view field, std::string_view host) {
  auto r = parseCanonicalImageRef(cat(host, "/fake"));
  if (r) return std::nullopt;
  return cat(field, ": Invalid value: ", goQuote(host), ": ", r.error().message());
}

Result<Value> defaultRegistry(Thread& thread, const BuiltinCall& call) {
  State& st = stateOf(thread);
  auto& current = st.project.settings.default_registry;
  if (current && !current->host.empty()) return makeError("default registry already defined");
  std::string host;
  std::optional<std::string> host_from_cluster;
  std::string single_name;
  TRY_VOID(starlark::lib::unpackArgs(call, {{"host", &host},
                                            {"host_from_cluster?", &host_from_cluster},
                                            {"single_name?", &single_name}}));
  model::Registry reg;
  reg.host = host;
  reg.host_from_cluster = host_from_cluster.value_or("");
  reg.single_name = single_name;

  // Tilt's RegistryHosting.Validate, with Kubernetes' aggregate formatting.
  std::vector<std::string> errors;
  if (reg.host.empty()) {
    errors.push_back("host: Required value");
  } else if (auto e = registryHostError("host", reg.host)) {
    errors.push_back(*e);
  }
  if (!reg.host_from_cluster.empty()) {
    if (auto e = registryHostError("hostFromContainerRuntime", reg.host_from_cluster)) {
      errors.push_back(*e);
    }
  }
  if (!errors.empty()) {
    std::string all = errors[0];
    if (errors.size() > 1) {
      all = "[" + errors[0];
      for (size_t i = 1; i < errors.size(); ++i) all += ", " + errors[i];
      all += "]";
    }
    return makeError(cat("validating defaultRegistry: ", all));
  }
  current = std::move(reg);
  return Value::none();
}

// container.replaceRegistry: the ref in the registry `host` ("" when the ref is already there).
Result<std::string> replaceRegistry(const std::string& host, const std::string& single_name,
                                    const std::string& familiar_name) {
  if (familiar_name.starts_with(host + "/")) return std::string();
  std::string rewritten =
      single_name.empty() ? cat(host, "/", escapeName(familiar_name)) : cat(host, "/", single_name);
  auto parsed = parseCanonicalImageRef(rewritten);
  if (!parsed) {
    return makeError(cat("Error parsing ", rewritten, " after applying default registry ", host,
                         ": ", parsed.error().message()));
  }
  return rewritten;
}

// The first image a use of `ref` selects (Tilt's findBuilderForConsumedImage), or -1.
int findImage(const BuildState& bs, const ImageRef& ref) {
  for (size_t i = 0; i < bs.sources.size(); ++i) {
    const ImageRef& mine = bs.sources[i].ref;
    bool match = bs.images[i].match_exact ? mine.str() == ref.str() : mine.name() == ref.name();
    if (match) return static_cast<int>(i);
  }
  return -1;
}

bool isDir(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

void addBuildBuiltins(starlark::StringDict& d) {
  addBuiltin(d, "docker_build", dockerBuild);
  addBuiltin(d, "custom_build", customBuild);
  addBuiltin(d, "default_registry", defaultRegistry);
  addLiveUpdateBuiltins(d);
}

Result<void> assembleImages(State& st) {
  BuildState& bs = st.get<BuildState>();
  const size_t n = bs.images.size();

  // Which built images each image is built from.
  std::vector<std::vector<int>> deps(n);
  for (size_t i = 0; i < n; ++i) {
    const BuildState::Source& src = bs.sources[i];
    if (!src.dockerfile_text.empty()) {
      const auto& args = bs.images[i].docker ? bs.images[i].docker->build_args
                                             : std::vector<std::pair<std::string, std::string>>{};
      for (const ImageRef& used : findDockerfileImages(src.dockerfile_text, args)) {
        // Base images that no docker_build makes are pulled; that is fine.
        int dep = findImage(bs, used);
        if (dep >= 0) deps[i].push_back(dep);
      }
    }
    for (const ImageRef& used : src.custom_deps) {
      int dep = findImage(bs, used);
      if (dep < 0) {
        return makeError(cat("image ", goQuote(src.ref.familiarString()), ": image dep ",
                             goQuote(used.familiarString()), " not found"));
      }
      deps[i].push_back(dep);
    }
  }

  // A cycle is reported at the image the search reaches twice, as Tilt's imgTargetsForDeps.
  std::vector<int> state(n, 0);  // 0 new, 1 on the search path, 2 done
  std::function<Result<void>(size_t)> visit = [&](size_t i) -> Result<void> {
    state[i] = 1;
    for (int d : deps[i]) {
      if (state[d] == 1) return makeError(cat("Image dependency cycle: ", bs.sources[d].ref.str()));
      if (state[d] == 0) TRY_VOID(visit(static_cast<size_t>(d)));
    }
    state[i] = 2;
    return {};
  };
  for (size_t i = 0; i < n; ++i) {
    if (state[i] == 0) TRY_VOID(visit(i));
  }

  for (size_t i = 0; i < n; ++i) {
    model::ImageTarget& image = bs.images[i];
    image.image_deps.clear();
    for (int d : deps[i]) {
      const std::string& ref = bs.images[d].ref;
      if (std::find(image.image_deps.begin(), image.image_deps.end(), ref) ==
          image.image_deps.end()) {
        image.image_deps.push_back(ref);
      }
    }
  }

  // default_registry, wherever in the Tiltfile it was called.
  const auto& reg = st.project.settings.default_registry;
  if (reg && !reg->host.empty()) {
    for (model::ImageTarget& image : bs.images) {
      // A custom_build that names its own tag and pushes by itself keeps its ref (Tilt's
      // ImageTarget.Refs).
      if (image.custom && image.custom->skips_local_docker && !image.custom->tag.empty()) continue;
      image.registry_ref = TRY(replaceRegistry(reg->host, reg->single_name, image.ref));
      if (!reg->host_from_cluster.empty()) {
        std::string cluster =
            TRY(replaceRegistry(reg->host_from_cluster, reg->single_name, image.ref));
        image.cluster_registry_ref = cluster.empty() ? image.ref : cluster;
      }
    }
  }

  // The .dockerignore files that filter each image's context (a Dockerfile's own
  // <Dockerfile>.dockerignore wins), recorded so that editing them reloads the Tiltfile.
  // Their patterns, then ignore=, filter the context and its watch (context_ignore).
  for (size_t i = 0; i < n; ++i) {
    const BuildState::Source& src = bs.sources[i];
    model::ImageTarget& image = bs.images[i];
    image.context_ignore.clear();
    for (const std::string& dir : src.watch_dirs) {
      if (!isDir(dir)) continue;
      std::string ignore_file = joinPath(dir, ".dockerignore");
      if (!src.dockerfile_path.empty() && exists(src.dockerfile_path + ".dockerignore")) {
        ignore_file = src.dockerfile_path + ".dockerignore";
      }
      st.addConfigFile(ignore_file);
      if (exists(ignore_file)) {
        std::vector<std::string> patterns = watch::parseIgnoreFile(TRY(readFile(ignore_file)), dir);
        image.context_ignore.insert(image.context_ignore.end(), patterns.begin(), patterns.end());
      }
    }
    for (const std::string& p : image.ignore) {
      image.context_ignore.push_back(absolutePattern(image.context, p));
    }
  }

  st.project.images = bs.images;
  TRY_VOID(checkUnusedLiveUpdateSteps(st));
  return {};
}

Result<void> checkLiveUpdates(State& st) {
  const std::vector<model::ImageTarget>& images = st.project.images;
  auto find = [&](const std::string& ref) -> const model::ImageTarget* {
    for (const model::ImageTarget& img : images)
      if (img.ref == ref) return &img;
    return nullptr;
  };
  // An image and the images it is built from, each once.
  auto tree = [&](const std::string& ref) {
    std::vector<const model::ImageTarget*> out;
    std::vector<std::string> todo = {ref};
    while (!todo.empty()) {
      std::string r = std::move(todo.back());
      todo.pop_back();
      const model::ImageTarget* img = find(r);
      if (img == nullptr || std::find(out.begin(), out.end(), img) != out.end()) continue;
      out.push_back(img);
      for (const std::string& d : img->image_deps) todo.push_back(d);
    }
    return out;
  };

  // restart_container() is deprecated for Kubernetes resources (Tilt errors; the
  // restart_process extension replaces it); Docker Compose resources may still use it.
  std::vector<std::string> restarting;
  for (const model::Resource& r : st.project.resources) {
    if (r.type != model::ResourceType::kK8s) continue;
    bool restarts = false;
    for (const std::string& ref : r.image_refs) {
      for (const model::ImageTarget* img : tree(ref))
        restarts |= restartsContainer(img->live_update);
    }
    if (restarts) restarting.push_back(r.name);
  }
  if (!restarting.empty()) {
    std::string names;
    for (size_t i = 0; i < restarting.size(); ++i) names += (i > 0 ? ", " : "") + restarting[i];
    return makeError(
        cat("Found `restart_container()` LiveUpdate step in resource(s): [", names,
            "]. `restart_container()`  has been deprecated for k8s resources. We recommend the "
            "restart_process extension: "
            "https://github.com/tilt-dev/tilt-extensions/tree/master/restart_process. For more "
            "information, see "
            "https://docs.tilt.dev/live_update_reference.html#restarting-your-process"));
  }

  for (const model::Resource& r : st.project.resources) {
    for (const std::string& ref : r.image_refs) {
      const model::ImageTarget* deployed = find(ref);
      if (deployed == nullptr || deployed->live_update.empty()) continue;
      std::vector<std::string> watched;
      for (const model::ImageTarget* img : tree(ref)) {
        if (img->custom) {
          watched.insert(watched.end(), img->custom->deps.begin(), img->custom->deps.end());
        } else if (!img->context.empty()) {
          watched.push_back(img->context);
        }
      }
      std::sort(watched.begin(), watched.end());
      watched.erase(std::unique(watched.begin(), watched.end()), watched.end());
      TRY_VOID(checkLiveUpdatePaths(deployed->live_update, watched));
    }
  }
  return {};
}

}  // namespace slant::tiltfile

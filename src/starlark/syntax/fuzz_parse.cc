// libFuzzer target: scans, parses and resolves arbitrary bytes as a Starlark file. Any input must
// give either a File or an error, never a crash, a sanitizer report or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "starlark/resolve/resolve.h"
#include "starlark/syntax/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace slant::starlark;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  auto file = syntax::parseFile("fuzz.star", source);
  if (!file) return 0;
  auto known = [](std::string_view name) { return name == "len" || name == "print"; };
  (void)resolve::resolveFile(**file, known, known, FileOptions::tilt());
  return 0;
}

// libFuzzer target: parses arbitrary bytes as a YAML stream the way read_yaml_stream does, and
// checks the writer against the reader: whatever parses must emit as YAML that parses back to
// the same values. Any input must give values or an error, never a crash, a sanitizer report, a
// hang, or a round trip that changes a value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tiltfile/convert.h"
#include "tiltfile/yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace slant::tiltfile;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto docs = parseYamlStream(text);
  if (!docs) return 0;
  std::string emitted = emitYamlStream(*docs);
  auto again = parseYamlStream(emitted);
  if (!again || *again != *docs) {
    std::fprintf(stderr, "YAML round trip changed the values\n--- emitted:\n%s\n--- error: %s\n",
                 emitted.c_str(), again ? "(none)" : again.error().message().c_str());
    std::abort();
  }
  for (const Json& doc : *docs) (void)jsonToValue(doc);
  return 0;
}

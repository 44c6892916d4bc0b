// libFuzzer target: executes arbitrary bytes as a Starlark program with a step limit, in a fresh
// Heap that is dropped afterwards. Any input must end in a module or an error: no crash, no
// sanitizer report, no leak, no hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "starlark/lib/json.h"
#include "starlark/lib/struct.h"
#include "starlark/starlark.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace slant::starlark;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  Heap heap;
  HeapScope scope(&heap);
  Thread thread;
  thread.setMaxSteps(10000);  // more lets repeated squaring exhaust memory
  thread.setPrint([](Thread&, std::string_view) {});
  StringDict predeclared{{"struct", lib::makeStructBuiltin()}, {"json", lib::makeJsonModule()}};
  (void)execFile(thread, "fuzz.star", source, predeclared, FileOptions::tilt());
  return 0;
}

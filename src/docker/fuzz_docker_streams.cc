// Fuzzes the decoders of the Docker Engine API's streams (docker/streams.h), the parsers of what a
// Docker engine (or whatever listens at DOCKER_HOST) sends: the input's first byte chooses the
// chunk size, the rest is fed both as a JSON message stream and as a multiplexed stream.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "docker/streams.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t step = data[0] % 17 + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  slant::docker::JsonStreamDecoder json;
  slant::docker::MuxStreamDecoder mux;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < input.size(); i += step) {
    std::string_view piece = input.substr(i, step);
    json.feed(piece, [](const nlohmann::json& m) { return !m.is_discarded(); });
    mux.feed(piece, [&](slant::docker::MuxStream, std::string_view d) { bytes += d.size(); });
  }
  // The multiplexed decoder never passes on more bytes than it was fed.
  if (bytes > input.size()) __builtin_trap();
  return 0;
}

#include "engine/text.h"

#include <cctype>
#include <cstring>

namespace slant::engine {

std::string lowerFirst(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

std::string errnoText(int err) {
  // strerrordesc_np, unlike strerror, is thread-safe and never localised.
  const char* desc = strerrordesc_np(err);
  return lowerFirst(desc != nullptr ? desc : "errno " + std::to_string(err));
}

}  // namespace slant::engine

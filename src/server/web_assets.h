// The web UI's files (web/), compiled into the binary by cmake/embed_web.cmake; defaultAssets()
// (router.h) serves them.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace slant::server {

/// One file of the web UI as the build embedded it.
struct WebFile {
  const char* path;          ///< the URL path, "/app.js"; index.html is also at "/"
  const char* content_type;  ///< e.g. "text/javascript; charset=utf-8"
  const char* data;          ///< the bytes (not NUL-terminated as far as `size` is concerned)
  std::size_t size;
};

/// Every file of web/, sorted by path; never empty (the build fails without web/).
std::span<const WebFile> webFiles();

}  // namespace slant::server

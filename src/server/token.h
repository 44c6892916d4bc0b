// The API token: a random secret created when the server starts, required on every request that
// changes state and on the WebSocket. The server writes it to a file only the user can read;
// the client commands read it from there. The file is `token-<port>` in $SLANT_HOME, or in
// $HOME/.slant when SLANT_HOME is not set.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace slant::server {

/// The directory of the token files: $SLANT_HOME, else $HOME/.slant. Error when neither
/// variable is set.
std::expected<std::string, std::string> defaultTokenDir();

/// The token file of the server listening on `port`: DIR/token-PORT.
std::string tokenFilePath(std::string_view dir, int port);

/// A new token: 32 random bytes from getrandom, as 64 lowercase hex digits. Error when the
/// kernel gives no randomness.
std::expected<std::string, std::string> generateToken();

/// Writes `token` to `path` with mode 0600 (creating its directory with mode 0700), replacing
/// any old file atomically. Error: the path and the system's reason.
std::expected<void, std::string> writeTokenFile(const std::string& path, std::string_view token);

/// Reads a token file (surrounding whitespace is dropped). Error: the path and the reason.
std::expected<std::string, std::string> readTokenFile(const std::string& path);

/// Compares two tokens in time independent of where they differ.
bool tokensEqual(std::string_view a, std::string_view b);

}  // namespace slant::server

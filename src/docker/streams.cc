#include "docker/streams.h"

namespace slant::docker {

std::string JsonStreamDecoder::feed(std::string_view chunk, const OnMessage& on_message) {
  if (!error_.empty()) return error_;
  auto emit = [&]() -> bool {
    auto message = nlohmann::json::parse(buffer_, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      std::string head = buffer_.substr(0, 200);
      error_ = "the Docker engine sent a message that is not JSON: " + head;
      return false;
    }
    buffer_.clear();
    return on_message(message);
  };
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    if (in_string_) {
      buffer_.push_back(c);
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (depth_ == 0 && !emit()) return error_;
      }
    } else if (in_scalar_) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' || c == '[' || c == '"') {
        in_scalar_ = false;
        if (!emit()) return error_;
        --i;  // look at this byte again as the start of what follows
        continue;
      }
      buffer_.push_back(c);
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (depth_ > 0) buffer_.push_back(c);
    } else {
      buffer_.push_back(c);
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (--depth_ <= 0) {
          depth_ = 0;
          if (!emit()) return error_;
        }
      } else if (depth_ == 0) {
        in_scalar_ = true;
      }
    }
    if (buffer_.size() > kMaxJsonMessageBytes) {
      error_ = "the Docker engine sent a JSON message longer than 16 MiB";
      return error_;
    }
  }
  return error_;
}

bool JsonStreamDecoder::pending() const { return !buffer_.empty(); }

std::string MuxStreamDecoder::feed(std::string_view chunk, const OnData& on_data) {
  if (!error_.empty()) return error_;
  while (!chunk.empty()) {
    if (remaining_ == 0) {
      std::size_t take = std::min(chunk.size(), sizeof header_ - header_have_);
      for (std::size_t i = 0; i < take; ++i) header_[header_have_ + i] = chunk[i];
      header_have_ += take;
      chunk.remove_prefix(take);
      if (header_have_ < sizeof header_) return {};
      header_have_ = 0;
      if (header_[0] > 2) {
        error_ = "the Docker engine sent a multiplexed stream frame of unknown stream type " +
                 std::to_string(header_[0]);
        return error_;
      }
      stream_ = static_cast<MuxStream>(header_[0]);
      remaining_ = (std::uint32_t{header_[4]} << 24) | (std::uint32_t{header_[5]} << 16) |
                   (std::uint32_t{header_[6]} << 8) | std::uint32_t{header_[7]};
      continue;
    }
    std::size_t take = std::min<std::size_t>(chunk.size(), remaining_);
    remaining_ -= static_cast<std::uint32_t>(take);
    on_data(stream_, chunk.substr(0, take));
    chunk.remove_prefix(take);
  }
  return {};
}

}  // namespace slant::docker

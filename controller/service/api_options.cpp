#include "controller/service/api_options.hpp"

#include <charconv>

namespace rollguard {

std::optional<std::string> ApiOptions::set_listen(std::string_view listen) {
  std::string_view host = listen, port_text;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string_view::npos)
      return "--listen: unclosed '[' in \"" + std::string(listen) + "\"";
    host = listen.substr(1, close - 1);
    if (close + 1 < listen.size()) {
      if (listen[close + 1] != ':') return "--listen: expected ':' after ']'";
      port_text = listen.substr(close + 2);
    }
  } else if (const auto colon = listen.rfind(':'); colon != std::string_view::npos) {
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
  }
  unsigned value = port;
  if (!port_text.empty() || listen.ends_with(':')) {
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value > 65535)
      return "--listen: \"" + std::string(port_text) + "\" is not a port (0 to 65535)";
  }
  if (!host.empty()) address = host == "localhost" ? "127.0.0.1" : std::string(host);
  port = static_cast<unsigned short>(value);
  return std::nullopt;
}

}  // namespace rollguard

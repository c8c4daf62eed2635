#include "controller/routers/haproxy/haproxy_runtime_api.hpp"

#include <sys/un.h>

#include <array>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

#include "health/net/connect.hpp"
#include "health/net/endpoint.hpp"
#include "health/net/net_error.hpp"

namespace rollguard {

namespace net = boost::asio;
namespace beast = boost::beast;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kReplyLimit = 1 << 20;

std::string trim_reply(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

// Sends the command and reads to end of stream; shared by the unix and TCP variants.
template <class Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  Exchange(net::any_io_executor executor, std::string command, Duration timeout,
           std::function<void(RuntimeApiReply)> done)
      : stream_(executor),
        command_(std::move(command) + "\n"),
        timeout_(timeout),
        deadline_(std::chrono::steady_clock::now() + timeout),
        done_(std::move(done)) {}

  Stream& stream() { return stream_; }
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }

  void connected(error_code ec) {
    if (ec) return finish(describe_net_error(ec, timeout_));
    stream_.expires_at(deadline_);
    net::async_write(stream_, net::buffer(command_),
                     [self = this->shared_from_this()](error_code e, std::size_t) {
                       if (e) return self->finish(describe_net_error(e, self->timeout_));
                       self->read_more();
                     });
  }

  void finish(std::string error) {
    if (!done_) return;
    RuntimeApiReply reply;
    reply.error = std::move(error);
    if (reply.error.empty()) reply.text = trim_reply(std::move(reply_));
    error_code ignored;
    stream_.socket().close(ignored);
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::move(reply));
  }

 private:
  void read_more() {
    stream_.async_read_some(net::buffer(chunk_),
                            [self = this->shared_from_this()](error_code e, std::size_t n) {
                              self->reply_.append(self->chunk_.data(), n);
                              if (e == net::error::eof) return self->finish("");
                              if (e) return self->finish(describe_net_error(e, self->timeout_));
                              if (self->reply_.size() > kReplyLimit)
                                return self->finish("answer longer than 1 MiB");
                              self->read_more();
                            });
  }

  Stream stream_;
  std::string command_;
  Duration timeout_;
  std::chrono::steady_clock::time_point deadline_;
  std::function<void(RuntimeApiReply)> done_;
  std::string reply_;
  std::array<char, 4096> chunk_{};
};

using UnixStream = beast::basic_stream<net::local::stream_protocol>;

}  // namespace

void runtime_api_command(net::any_io_executor executor, const std::string& address,
                         const std::string& command, Duration timeout,
                         std::function<void(RuntimeApiReply)> done) {
  auto fail = [&](std::string error) {
    net::post(executor, [done = std::move(done), error = std::move(error)] {
      done(RuntimeApiReply{error, ""});
    });
  };
  if (address.starts_with("unix:")) {
    const std::string path = address.substr(5);
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path))
      return fail("unix socket path empty or longer than " +
                  std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes");
    auto exchange =
        std::make_shared<Exchange<UnixStream>>(executor, command, timeout, std::move(done));
    exchange->stream().expires_at(exchange->deadline());
    exchange->stream().async_connect(net::local::stream_protocol::endpoint(path),
                                     [exchange](error_code ec) { exchange->connected(ec); });
    return;
  }
  const auto endpoint = parse_endpoint(address);
  if (!endpoint) return fail("not \"unix:/path\" or \"host:port\": " + address);
  auto exchange =
      std::make_shared<Exchange<beast::tcp_stream>>(executor, command, timeout, std::move(done));
  async_connect_to(exchange->stream(), *endpoint, exchange->deadline(),
                   [exchange](error_code ec) { exchange->connected(ec); });
}

}  // namespace rollguard

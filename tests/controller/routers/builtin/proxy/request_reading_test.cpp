// The router's request reading without a socket: its parsers with its limits, fed bytes as
// fuzz/router_request.cpp feeds them, and the answer to each kind of failed read.
#include "controller/routers/builtin/proxy/request_reading.hpp"

#include <gtest/gtest.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace rollguard {
namespace {

namespace http = boost::beast::http;

// Puts the whole text into the parser; the error of the last put, need_more aside.
boost::beast::error_code put_all(RequestParser& parser, const std::string& text) {
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < text.size()) {
    const std::size_t n =
        parser.put(boost::asio::const_buffer(text.data() + used, text.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) return {};
    if (ec || n == 0) return ec;
  }
  return ec;
}

struct ReadCase {
  const char* name;
  std::string wire;
  std::size_t body_limit;
  std::optional<http::status> refusal;  // nullopt: parses, or closes without an answer
};

// A GET with Host and `extra` more fields.
std::string many_fields(std::size_t extra) {
  std::string wire = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (std::size_t i = 0; i < extra; ++i) wire += "X-" + std::to_string(i) + ": v\r\n";
  return wire + "\r\n";
}

class RequestReading : public ::testing::TestWithParam<ReadCase> {};

TEST_P(RequestReading, RefusesWhatTheLimitsRefuse) {
  const ReadCase& c = GetParam();
  RouterOptions options;
  options.bodyLimit = c.body_limit;
  RequestParser parser;
  limit_client_request(parser, options);
  const boost::beast::error_code ec = put_all(parser, c.wire);
  const auto refusal = ec ? refusal_after_header_error(ec) : std::nullopt;
  ASSERT_EQ(refusal.has_value(), c.refusal.has_value()) << ec.message();
  if (refusal) {
    EXPECT_EQ(refusal->status, *c.refusal);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Limits, RequestReading,
    ::testing::Values(ReadCase{"Get", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 8 << 20, std::nullopt},
                      ReadCase{"Malformed", "GARBAGE\r\n\r\n", 8 << 20, http::status::bad_request},
                      ReadCase{"DeclaredBodyOverTheLimit",
                               "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n", 64,
                               http::status::payload_too_large},
                      ReadCase{"FieldsOverTheLimit", many_fields(kRouterHeaderFieldLimit), 8 << 20,
                               http::status::request_header_fields_too_large},
                      ReadCase{"FieldsAtTheLimit", many_fields(kRouterHeaderFieldLimit - 1),
                               8 << 20, std::nullopt},
                      ReadCase{"HeadersOverTheLimit",
                               "GET / HTTP/1.1\r\nX-Big: " + std::string(kRouterHeaderLimit, 'x') +
                                   "\r\n\r\n",
                               8 << 20, http::status::request_header_fields_too_large}),
    [](const auto& info) { return info.param.name; });

TEST(RequestReading, ClosesWithoutAnAnswerWhenTheClientGoes) {
  EXPECT_FALSE(refusal_after_header_error(http::error::end_of_stream));
  EXPECT_FALSE(refusal_after_header_error(boost::asio::error::connection_reset));
  EXPECT_FALSE(refusal_after_body_error(http::error::partial_message));
  EXPECT_EQ(refusal_after_body_error(http::error::body_limit)->status,
            http::status::payload_too_large);
}

TEST(RequestReading, BrokenChunkedFramingIsABadRequest) {
  for (const std::string size : {"zz", "-1", "10000000000000000"}) {
    RequestParser parser;
    limit_client_request(parser, RouterOptions{});
    const auto ec =
        put_all(parser, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + size +
                            "\r\nabc\r\n0\r\n\r\n");
    ASSERT_TRUE(ec) << size;
    const auto refusal = refusal_after_body_error(ec);
    ASSERT_TRUE(refusal) << size << ": " << ec.message();
    EXPECT_EQ(refusal->status, http::status::bad_request) << size;
  }
}

TEST(RequestReading, WaitsForContinueOnlyWhileTheBodyIsToCome) {
  RequestParser parser;
  limit_client_request(parser, RouterOptions{});
  ASSERT_FALSE(put_all(parser,
                       "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
                       "Content-Length: 2\r\n\r\n"));
  EXPECT_TRUE(parser.is_header_done());
  EXPECT_TRUE(wants_continue(parser));
  ASSERT_FALSE(put_all(parser, "{}"));
  EXPECT_FALSE(wants_continue(parser));
}

TEST(RequestReading, UpstreamResponsesOfHeadRequestsHaveNoBody) {
  ResponseParser parser;
  limit_upstream_response(parser, RouterOptions{}, true);
  boost::beast::error_code ec;
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
  parser.put(boost::asio::const_buffer(wire.data(), wire.size()), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_done());
}

}  // namespace
}  // namespace rollguard

#pragma once
// Parsing for the servers that read requests from anyone (the API server, the built-in
// router): a Beast parser that also bounds the number of header fields, and which read errors
// are the client's malformed input (answered 400) rather than its departure (just closed).
//
// Fields: Beast bounds a header's bytes (header_limit) but not its fields, and each field costs a
// node of about 80 bytes beside its text. Within 16 KiB, 4-byte fields ("a:\r\n") make ~4,000
// nodes, ~330 KB for one request still being read: 20 times the byte limit, per connection,
// and slowloris clients hold thousands of connections mid-header. Counting fields as they
// arrive stops that at the limit. Past it, parsing ends with http::error::header_limit, the
// error (and the 431 answer) of too many bytes. Chunked trailers count too.
#include <cstddef>
#include <limits>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>

namespace rollguard {

template <bool isRequest, class Body>
class FieldLimitedParser : public boost::beast::http::parser<isRequest, Body> {
 public:
  void field_limit(std::size_t limit) { limit_ = limit; }

 private:
  // Replaces parser::on_field_impl, which does exactly the insert below.
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override {
    if (++fields_ > limit_) {
      ec = boost::beast::http::error::header_limit;
      return;
    }
    this->get().insert(name, name_string, value);
  }

  std::size_t limit_ = std::numeric_limits<std::size_t>::max();
  std::size_t fields_ = 0;
};

template <class Body>
using FieldLimitedRequestParser = FieldLimitedParser<true, Body>;

// A parse error of the message itself: a bad request line or field, bad chunked framing (a
// size that is not hex, negative, over 64 bits, a chunk longer than its size). Not the limits
// (header_limit, body_limit: 431 and 413) and not a client that stopped sending mid-message
// (partial_message, end_of_stream, short_read), nor socket errors.
inline bool is_malformed_message(const boost::beast::error_code& ec) {
  namespace http = boost::beast::http;
  return ec.category() == make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream &&
         ec != http::error::short_read && ec != http::error::header_limit &&
         ec != http::error::body_limit && ec != http::error::need_more;
}

}  // namespace rollguard

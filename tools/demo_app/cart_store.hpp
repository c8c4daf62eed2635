#pragma once
// The in-memory carts behind POST /cart and GET /cart/{id}: just enough state for a synthetic
// transaction to create something and read it back. Per process; bounded so that a long
// benchmark does not turn into an unintended leak (the oldest carts are forgotten first).
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace rollguard::demo {

struct Cart {
  std::string id;
  std::string sku;
  std::int64_t qty = 0;
};

class CartStore {
 public:
  static constexpr std::size_t kDefaultCapacity = 10000;

  explicit CartStore(std::size_t capacity = kDefaultCapacity);

  Cart add(std::string sku, std::int64_t qty);
  std::optional<Cart> find(const std::string& id) const;
  std::size_t size() const;

 private:
  // A random per-process prefix, so that ids from two instances of the app never collide.
  const std::string prefix_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::unordered_map<std::string, Cart> carts_;
  std::deque<std::string> order_;
};

}  // namespace rollguard::demo

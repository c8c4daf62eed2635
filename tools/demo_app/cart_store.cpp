#include "tools/demo_app/cart_store.hpp"

#include <cstdio>
#include <random>

namespace rollguard::demo {
namespace {

std::string random_prefix() {
  std::random_device device;
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%08x", static_cast<unsigned>(device()));
  return buffer;
}

}  // namespace

CartStore::CartStore(std::size_t capacity) : prefix_(random_prefix()), capacity_(capacity) {}

Cart CartStore::add(std::string sku, std::int64_t qty) {
  std::lock_guard lock(mutex_);
  Cart cart{prefix_ + "-" + std::to_string(next_++), std::move(sku), qty};
  if (carts_.size() >= capacity_ && !order_.empty()) {
    carts_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(cart.id);
  carts_.emplace(cart.id, cart);
  return cart;
}

std::optional<Cart> CartStore::find(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = carts_.find(id);
  if (it == carts_.end()) return std::nullopt;
  return it->second;
}

std::size_t CartStore::size() const {
  std::lock_guard lock(mutex_);
  return carts_.size();
}

}  // namespace rollguard::demo

// std_like::stop_source, stop_token, stop_callback, nostopstate: the interface
// of <stop_token>'s (jthread, in thread.h, uses them).
//
// Under the scheduler a stop state is one interleave::atomic<bool>, "stop@..."
// (named after the stop_source's construction): request_stop() is one visible
// exchange of it (the first one to set it returns true and runs the registered
// callbacks, in the calling thread, as std does); stop_requested() is one
// visible load. A stop_callback's construction is one visible load too:
// registered in that step if no stop was requested yet, else it runs its
// callback at once in the constructing thread; so a callback runs exactly
// once whichever of request_stop() and the registration comes first, and both
// orders are explored. Destroying a stop_callback whose callback is running in
// another thread waits until it has returned (a wait held as a spin until that
// thread's "<name>.callbacks" counter moves), as std does. stop_possible()
// and the token's copies are not visible operations (nothing another thread
// does changes them but a request, which is).
//
// Natively every operation is the std type's (a std::stop_source inside the
// shared state, std::stop_callback for callbacks).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <source_location>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>

#include "scheduler/api/atomic.h"
#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/names.h"

namespace interleave::std_like {

using std::nostopstate;
using std::nostopstate_t;

class stop_token;
class condition_variable_any;
template <class Callback>
class stop_callback;

namespace detail {

// A registered stop_callback (intrusive list node).
struct StopCallbackNode {
  // Runs the callback of `owner`, the stop_callback holding this node.
  void (*invoke)(void* owner) = nullptr;
  void* owner = nullptr;
  // Neighbours in the state's list; nullptr at the ends.
  StopCallbackNode* prev = nullptr;
  StopCallbackNode* next = nullptr;
};

// What a stop_source shares with its copies, its tokens and their callbacks.
struct StopState {
  explicit StopState(std::source_location location)
      : requested(default_name("stop", location), false),
        callbacks_run(native() ? "stop.callbacks"
                               : intern(std::string(requested.name()) + ".callbacks"),
                      0) {}

  // Whether a stop was requested (scheduler and execution).
  interleave::atomic<bool> requested;
  // How many callbacks request_stop() has run to their end; a destructor
  // waiting for a running callback re-reads it.
  interleave::atomic<unsigned> callbacks_run;
  // Registered callbacks not yet run, oldest first.
  StopCallbackNode* first = nullptr;
  // The callback a request_stop() is running, and its thread; none otherwise.
  StopCallbackNode* running = nullptr;
  ThreadId running_thread = kNoThread;
  // How many stop_sources share the state (stop_possible()).
  int sources = 0;
  // The stop state natively.
  std::stop_source native_source;

  void push(StopCallbackNode* node) {
    node->next = first;
    node->prev = nullptr;
    if (first != nullptr) first->prev = node;
    first = node;
  }
  void remove(StopCallbackNode* node) {
    if (node->prev != nullptr) node->prev->next = node->next;
    else if (first == node) first = node->next;
    if (node->next != nullptr) node->next->prev = node->prev;
    node->prev = node->next = nullptr;
  }
  bool registered(const StopCallbackNode* node) const {
    return node->prev != nullptr || first == node;
  }
};

}  // namespace detail

// std::stop_token: a view of a stop state.
class stop_token {
 public:
  using Location = std::source_location;

  stop_token() noexcept = default;

  // Whether a stop was requested; one visible load under the scheduler.
  [[nodiscard]] bool stop_requested(Location location = Location::current()) const {
    if (!state_) return false;
    if (detail::native()) return native_token().stop_requested();
    return state_->requested.load(std::memory_order_seq_cst, location);
  }
  // Whether a stop was or can still be requested.
  [[nodiscard]] bool stop_possible() const noexcept {
    if (!state_) return false;
    if (detail::native()) return native_token().stop_possible();
    return state_->sources > 0 || state_->requested.native().load();
  }
  void swap(stop_token& other) noexcept { state_.swap(other.state_); }
  [[nodiscard]] friend bool operator==(const stop_token& a, const stop_token& b) noexcept {
    return a.state_ == b.state_;
  }
  friend void swap(stop_token& a, stop_token& b) noexcept { a.swap(b); }

 private:
  friend class stop_source;
  template <class Callback>
  friend class stop_callback;
  friend class condition_variable_any;
  explicit stop_token(std::shared_ptr<detail::StopState> state) : state_(std::move(state)) {}
  std::stop_token native_token() const { return state_->native_source.get_token(); }

  // The shared state; empty for a default-constructed token.
  std::shared_ptr<detail::StopState> state_;
};

// std::stop_source: owns a stop state and requests the stop.
class stop_source {
 public:
  using Location = std::source_location;

  // A new stop state.
  stop_source(Location location = Location::current())
      : state_(std::make_shared<detail::StopState>(location)) {
    ++state_->sources;
  }
  explicit stop_source(nostopstate_t) noexcept {}
  stop_source(const stop_source& other) noexcept : state_(other.state_) {
    if (state_) ++state_->sources;
  }
  stop_source(stop_source&& other) noexcept : state_(std::move(other.state_)) {}
  stop_source& operator=(const stop_source& other) noexcept {
    stop_source(other).swap(*this);
    return *this;
  }
  stop_source& operator=(stop_source&& other) noexcept {
    stop_source(std::move(other)).swap(*this);
    return *this;
  }
  ~stop_source() {
    if (state_) --state_->sources;
  }

  // Renames the stop state in traces; `name` must outlive the model.
  stop_source& name(const char* name) {
    if (state_) {
      state_->requested.set_name(name);
      state_->callbacks_run.set_name(detail::intern(std::string(name) + ".callbacks"));
    }
    return *this;
  }

  // Requests a stop: true for the first request, which runs the registered
  // callbacks in this thread before it returns. One visible exchange.
  bool request_stop(Location location = Location::current()) {
    if (!state_) return false;
    if (detail::native()) return state_->native_source.request_stop();
    if (state_->requested.exchange(true, std::memory_order_seq_cst, location)) return false;
    detail::StopState& s = *state_;
    const bool scheduled = detail::engine() == detail::Engine::kScheduler;
    while (detail::StopCallbackNode* node = s.first) {
      s.remove(node);
      s.running = node;
      s.running_thread = scheduled ? Execution::current()->running_thread() : kNoThread;
      node->invoke(node->owner);
      s.running = nullptr;
      s.running_thread = kNoThread;
      s.callbacks_run.fetch_add(1, std::memory_order_seq_cst, location);
    }
    return true;
  }
  [[nodiscard]] stop_token get_token() const noexcept { return stop_token(state_); }
  // Whether a stop was requested; one visible load under the scheduler.
  [[nodiscard]] bool stop_requested(Location location = Location::current()) const {
    return get_token().stop_requested(location);
  }
  [[nodiscard]] bool stop_possible() const noexcept { return state_ != nullptr; }
  void swap(stop_source& other) noexcept { state_.swap(other.state_); }
  [[nodiscard]] friend bool operator==(const stop_source& a, const stop_source& b) noexcept {
    return a.state_ == b.state_;
  }
  friend void swap(stop_source& a, stop_source& b) noexcept { a.swap(b); }

 private:
  // The shared state; empty after nostopstate or a move.
  std::shared_ptr<detail::StopState> state_;
};

// std::stop_callback: runs `callback` once a stop is requested on the token's
// state (at once, if it already was), unless destroyed first.
template <class Callback>
class stop_callback {
 public:
  using callback_type = Callback;
  using Location = std::source_location;

  template <class C>
    requires std::is_constructible_v<Callback, C>
  explicit stop_callback(const stop_token& token, C&& callback,
                         Location location = Location::current())
      : callback_(std::forward<C>(callback)) {
    start(token, location);
  }
  template <class C>
    requires std::is_constructible_v<Callback, C>
  explicit stop_callback(stop_token&& token, C&& callback,
                         Location location = Location::current())
      : callback_(std::forward<C>(callback)) {
    start(token, location);
  }
  stop_callback(const stop_callback&) = delete;
  stop_callback& operator=(const stop_callback&) = delete;

  // Deregisters the callback; if another thread is running it, waits until
  // it has returned.
  ~stop_callback() noexcept(false) {
    if (!state_) return;
    detail::StopState& s = *state_;
    if (s.registered(&node_)) {
      s.remove(&node_);
      return;
    }
    if (s.running != &node_ || detail::engine() != detail::Engine::kScheduler ||
        s.running_thread == Execution::current()->running_thread()) {
      return;
    }
    // Held as a spin until the running callback's end moves the counter.
    while (s.running == &node_) s.callbacks_run.load(std::memory_order_seq_cst, location_);
  }

 private:
  void start(const stop_token& token, Location location) {
    if (!token.state_) return;
    if (detail::native()) {
      native_.emplace(token.native_token(), Forward{this});
      return;
    }
    location_ = location;
    // The load and the registration are one step: a request_stop() either
    // comes before it (the callback runs here) or finds it registered.
    if (token.state_->requested.load(std::memory_order_seq_cst, location)) {
      std::invoke(std::move(callback_));
      return;
    }
    state_ = token.state_;
    node_.owner = this;
    node_.invoke = [](void* owner) {
      std::invoke(std::move(static_cast<stop_callback*>(owner)->callback_));
    };
    state_->push(&node_);
  }

  // The std::stop_callback's callable natively: runs ours.
  struct Forward {
    stop_callback* self;
    void operator()() { std::invoke(std::move(self->callback_)); }
  };

  Callback callback_;
  // Under the scheduler: the state it is registered with (empty if it ran at
  // construction or the token had none), its list node, where it was built.
  std::shared_ptr<detail::StopState> state_;
  detail::StopCallbackNode node_;
  Location location_;
  // Natively: the std callback.
  std::optional<std::stop_callback<Forward>> native_;
};

template <class Callback>
stop_callback(stop_token, Callback) -> stop_callback<Callback>;
template <class Callback>
stop_callback(stop_token, Callback, std::source_location) -> stop_callback<Callback>;

}  // namespace interleave::std_like

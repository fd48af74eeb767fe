// std_like::thread, jthread and std_like::this_thread: the interface of
// <thread>'s.
//
// Under the scheduler a thread is a model thread (a fiber): starting it and
// join() are visible operations (Execution::spawn / join); a thread blocked in
// join() is not runnable until the joined one has finished. Natively it is a
// std::thread.
//
// As std::thread: destroying or move-assigning over a joinable thread is an
// error. Natively that is std::terminate; under the scheduler it fails the
// execution ("thread destroyed while joinable"), with a replayable schedule.
// A detached model thread runs on; the execution ends when it has finished.
//
// A thread started with a callable alone records the caller's line for its
// spawn step; one started with arguments records this header's (a parameter
// pack cannot be followed by a defaulted std::source_location).
//
// jthread is a thread with a stop_source (stop_token.h): a callable that takes
// a stop_token first gets the jthread's; destroying (or move-assigning over) a
// joinable jthread requests the stop, a visible operation, then joins.
//
// this_thread::yield() is interleave::yield() (a wait-loop hint, see
// scheduler/api/thread.h); this_thread::sleep_for / sleep_until are the same
// under the scheduler (no time passes there: a sleep is a chance for others to
// run) and real sleeps natively; this_thread::get_id() tells model threads
// apart (they share one OS thread, so std::this_thread::get_id() would not).
#pragma once

#include <chrono>
#include <compare>
#include <exception>
#include <functional>
#include <memory>
#include <ostream>
#include <source_location>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "scheduler/api/std/engine.h"
#include "scheduler/api/std/stop_token.h"
#include "scheduler/api/thread.h"

namespace interleave::std_like {

class thread {
 public:
  using Location = std::source_location;

  // std::thread::id: a model thread's number under the scheduler, the OS
  // thread's id natively. Default-constructed: no thread.
  class id {
   public:
    id() noexcept = default;
    friend bool operator==(const id& a, const id& b) noexcept {
      return a.model_ == b.model_ && a.native_ == b.native_;
    }
    friend std::strong_ordering operator<=>(const id& a, const id& b) noexcept {
      if (auto c = a.model_ <=> b.model_; c != 0) return c;
      if (a.native_ < b.native_) return std::strong_ordering::less;
      if (b.native_ < a.native_) return std::strong_ordering::greater;
      return std::strong_ordering::equal;
    }
    // "T<n>" for a model thread, the std::thread::id otherwise.
    friend std::ostream& operator<<(std::ostream& out, const id& i) {
      if (i.model_ != kNoThread) return out << 'T' << static_cast<int>(i.model_);
      return out << i.native_;
    }
    size_t hash() const noexcept {
      return std::hash<std::thread::id>{}(native_) * 31 + std::hash<int>{}(model_);
    }

   private:
    friend class thread;
    friend id this_thread_id();
    id(std::thread::id native, ThreadId model) : native_(native), model_(model) {}
    // The OS thread's id (natively), and the model thread's number
    // (kNoThread natively and on the model's main context).
    std::thread::id native_;
    ThreadId model_ = kNoThread;
  };

  thread() noexcept = default;
  // Starts a thread running f().
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, thread>)
  explicit thread(F&& f, Location location = Location::current()) {
    start(std::forward<F>(f), location);
  }
  // Starts a thread running f(args...), with decayed copies of f and args.
  template <class F, class Arg, class... Args>
  explicit thread(F&& f, Arg&& arg, Args&&... args) {
    start(
        [f = std::forward<F>(f), first = std::forward<Arg>(arg),
         ... rest = std::forward<Args>(args)]() mutable {
          std::invoke(std::move(f), std::move(first), std::move(rest)...);
        },
        Location::current());
  }
  thread(thread&& other) noexcept
      : native_(std::move(other.native_)), model_(std::exchange(other.model_, kNoThread)) {}
  thread& operator=(thread&& other) noexcept(false) {
    if (joinable()) destroyed_joinable(Location::current());
    native_ = std::move(other.native_);
    model_ = std::exchange(other.model_, kNoThread);
    return *this;
  }
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  ~thread() noexcept(false) {
    if (joinable()) destroyed_joinable(Location::current());
  }

  bool joinable() const noexcept { return model_ != kNoThread || native_.joinable(); }
  id get_id() const noexcept { return model_ != kNoThread ? id({}, model_) : id(native_.get_id(), kNoThread); }

  // Waits until the thread has finished. A visible operation under the
  // scheduler. Throws std::system_error (invalid_argument) if not joinable.
  void join(Location location = Location::current()) {
    if (!joinable()) throw std::system_error(std::make_error_code(std::errc::invalid_argument));
    if (model_ == kNoThread) return native_.join();
    ThreadId t = std::exchange(model_, kNoThread);
    if (Execution* ex = Execution::current(); ex != nullptr && ex->in_thread() && !ex->tearing_down()) {
      ex->join(t, location);
    }
  }
  // Lets the thread run on its own.
  void detach() {
    if (!joinable()) throw std::system_error(std::make_error_code(std::errc::invalid_argument));
    if (model_ == kNoThread) return native_.detach();
    model_ = kNoThread;
  }
  void swap(thread& other) noexcept {
    native_.swap(other.native_);
    std::swap(model_, other.model_);
  }
  static unsigned hardware_concurrency() noexcept { return std::thread::hardware_concurrency(); }

 private:
  template <class F>
  void start(F&& f, Location location) {
    Execution* ex = Execution::current();
    if (ex != nullptr && ex->in_thread()) {
      // Execution::spawn takes a std::function, which must be copyable: the
      // callable is kept behind a shared pointer so move-only ones work too.
      auto body = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
      model_ = ex->spawn([body] { std::invoke(std::move(*body)); }, location);
    } else {
      native_ = std::thread(std::forward<F>(f));
    }
  }
  // std::terminate natively; a failed execution under the scheduler.
  void destroyed_joinable(Location location) {
    Execution* ex = Execution::current();
    if (ex == nullptr || model_ == kNoThread) std::terminate();
    if (ex->in_thread() && !ex->tearing_down()) {
      ex->fail(FailureKind::kCheck,
               fmt::format("thread T{} destroyed while joinable (std::terminate)",
                           static_cast<int>(model_)),
               location);
    }
    model_ = kNoThread;
  }

  // The thread natively; its number under the scheduler (kNoThread: none).
  std::thread native_;
  ThreadId model_ = kNoThread;
};

inline void swap(thread& a, thread& b) noexcept { a.swap(b); }

// std::jthread: a thread that requests a stop and joins when destroyed.
class jthread {
 public:
  using Location = std::source_location;
  using id = thread::id;

  jthread() noexcept : source_(nostopstate) {}
  // Starts a thread running f(token) if f takes the jthread's stop_token
  // first, else f().
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, jthread>)
  explicit jthread(F&& f, Location location = Location::current()) : source_(location) {
    if constexpr (std::is_invocable_v<std::decay_t<F>, stop_token>) {
      thread_ = thread(
          [f = std::forward<F>(f), token = source_.get_token()]() mutable {
            std::invoke(std::move(f), std::move(token));
          },
          location);
    } else {
      thread_ = thread(std::forward<F>(f), location);
    }
  }
  // Starts a thread running f(token, args...) or f(args...), with decayed
  // copies of f and args.
  template <class F, class Arg, class... Args>
  explicit jthread(F&& f, Arg&& arg, Args&&... args) {
    if constexpr (std::is_invocable_v<std::decay_t<F>, stop_token, std::decay_t<Arg>,
                                      std::decay_t<Args>...>) {
      thread_ = thread(std::forward<F>(f), source_.get_token(), std::forward<Arg>(arg),
                       std::forward<Args>(args)...);
    } else {
      thread_ = thread(std::forward<F>(f), std::forward<Arg>(arg), std::forward<Args>(args)...);
    }
  }
  jthread(jthread&& other) noexcept = default;
  // Requests a stop on and joins the thread this one held, if joinable.
  jthread& operator=(jthread&& other) {
    if (this == &other) return *this;
    stop_and_join();
    thread_ = std::move(other.thread_);
    source_ = std::move(other.source_);
    return *this;
  }
  jthread(const jthread&) = delete;
  jthread& operator=(const jthread&) = delete;
  // Requests a stop (a visible operation), then joins, if joinable.
  ~jthread() noexcept(false) { stop_and_join(); }

  bool joinable() const noexcept { return thread_.joinable(); }
  id get_id() const noexcept { return thread_.get_id(); }
  void join(Location location = Location::current()) { thread_.join(location); }
  void detach() { thread_.detach(); }
  void swap(jthread& other) noexcept {
    thread_.swap(other.thread_);
    source_.swap(other.source_);
  }
  friend void swap(jthread& a, jthread& b) noexcept { a.swap(b); }
  [[nodiscard]] stop_source get_stop_source() noexcept { return source_; }
  [[nodiscard]] stop_token get_stop_token() const noexcept { return source_.get_token(); }
  bool request_stop(Location location = Location::current()) {
    return source_.request_stop(location);
  }
  static unsigned hardware_concurrency() noexcept { return thread::hardware_concurrency(); }

 private:
  void stop_and_join() {
    if (!joinable()) return;
    source_.request_stop();
    thread_.join();
  }

  // Declared first: the thread's body gets its token at construction.
  stop_source source_;
  thread thread_;
};

inline thread::id this_thread_id() {
  Execution* ex = Execution::current();
  if (ex != nullptr && ex->in_thread()) return thread::id({}, ex->running_thread());
  return thread::id(std::this_thread::get_id(), kNoThread);
}

namespace this_thread {

// The calling thread's id (see thread::id).
inline thread::id get_id() noexcept { return this_thread_id(); }

// A scheduling hint: interleave::yield() under the scheduler (the thread is
// not chosen again until another one has made progress), std's natively.
inline void yield(std::source_location location = std::source_location::current()) {
  interleave::yield(location);
}

// Natively a real sleep; under the scheduler, where no time passes, a yield.
template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& duration,
               std::source_location location = std::source_location::current()) {
  if (detail::native()) return std::this_thread::sleep_for(duration);
  interleave::yield(location);
}
template <class Clock, class Duration>
void sleep_until(const std::chrono::time_point<Clock, Duration>& deadline,
                 std::source_location location = std::source_location::current()) {
  if (detail::native()) return std::this_thread::sleep_until(deadline);
  interleave::yield(location);
}

}  // namespace this_thread
}  // namespace interleave::std_like

template <>
struct std::hash<interleave::std_like::thread::id> {
  size_t operator()(const interleave::std_like::thread::id& i) const noexcept { return i.hash(); }
};

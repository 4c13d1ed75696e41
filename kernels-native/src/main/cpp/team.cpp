// Definitions of team.h. Compiled once per library (the JNI glue includes it; see rnn4j_native.h).
#include "team.h"

#include <sched.h>

namespace rnn4j {

namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// About 50-100 microseconds of pause instructions before a waiting thread sleeps or yields.
constexpr int SPIN_WAKE = 20000;
constexpr int SPIN_BARRIER = 4000;

}  // namespace

Team::Team(int size) : size_(size < 1 ? 1 : size) {
    workers_.reserve(size_ - 1);
    try {
        for (int i = 1; i < size_; i++) workers_.emplace_back([this, i] { worker_loop(i); });
    } catch (...) {  // a thread could not start: stop the ones that did, then report
        {
            std::lock_guard<std::mutex> lk(mu_);
            stop_.store(true, std::memory_order_release);
        }
        wake_.notify_all();
        for (std::thread& t : workers_) t.join();
        throw;
    }
}

Team::~Team() {
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_.store(true, std::memory_order_release);
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
}

void Team::run(TeamJob job, void* context) {
    if (size_ == 1 || !running_.try_lock()) {
        Member alone(0, 1, nullptr);
        job(context, alone);
        return;
    }
    tickets_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    job_ = job;
    context_ = context;
    {
        std::lock_guard<std::mutex> lk(mu_);
        round_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    Member me(0, size_, this);
    job(context, me);
    for (int spins = 0; done_.load(std::memory_order_acquire) < size_ - 1;) {
        if (++spins < SPIN_WAKE) {
            cpu_relax();
        } else {
            std::unique_lock<std::mutex> lk(mu_);
            finished_.wait(lk, [this] { return done_.load(std::memory_order_acquire) >= size_ - 1; });
        }
    }
    job_ = nullptr;
    context_ = nullptr;
    running_.unlock();
}

void Team::worker_loop(int index) {
    int seen = 0;
    for (;;) {
        int r;
        int spins = 0;
        while ((r = round_.load(std::memory_order_acquire)) == seen) {
            if (stop_.load(std::memory_order_acquire)) return;
            if (++spins < SPIN_WAKE) {
                cpu_relax();
            } else {
                std::unique_lock<std::mutex> lk(mu_);
                wake_.wait(lk, [this, seen] {
                    return round_.load(std::memory_order_acquire) != seen || stop_.load(std::memory_order_acquire);
                });
            }
        }
        seen = r;
        Member me(index, size_, this);
        job_(context_, me);
        if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == size_ - 1) {
            std::lock_guard<std::mutex> lk(mu_);
            finished_.notify_one();
        }
    }
}

void Team::barrier_wait() {
    int gen = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) == size_ - 1) {
        arrived_.store(0, std::memory_order_relaxed);
        generation_.store(gen + 1, std::memory_order_release);
        return;
    }
    for (int spins = 0; generation_.load(std::memory_order_acquire) == gen;) {
        if (++spins < SPIN_BARRIER) cpu_relax();
        else sched_yield();
    }
}

}  // namespace rnn4j

// The threads of one backend instance: size - 1 workers plus the calling thread run one job together as a
// team whose members meet at barriers (one or two per time step). No global state: each backend instance owns
// its team (created and destroyed through the Java NativeBackend) and stops it in its destructor.
//
// One team at a time: a call that finds the team busy (another Java thread's call) runs its job alone on its
// own thread. Results do not change: work is shared only over outputs, each output computed by one fixed
// sequence of operations whoever computes it (docs/kernels.md, "Threads and determinism").
//
// Workers wait for the next job spinning for a short while, then asleep on a condition variable; the calling
// thread likewise waits for them at the end of a job. Barriers spin, then yield the processor, so a team
// larger than the cores still makes progress.
//
// Declarations and inline members only; the definitions are in team.cpp (compiled once).
#ifndef RNN4J_TEAM_H
#define RNN4J_TEAM_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace rnn4j {

class Team;

/** One member's view of the job: its index, the team size, the barrier and the two ways of sharing work. */
struct Member {
    int index;
    int size;
    Team* team;  // null when the job runs alone
    int64_t ticket_base = 0;

    Member(int i, int s, Team* t) : index(i), size(s), team(t) {}

    /** Waits until every member has arrived; a member alone never waits. */
    void barrier();

    /** Start of this member's contiguous share of `count` items, in whole chunks of `grain`. */
    int from(int count, int grain) const { return split(count, grain, index); }
    /** End (exclusive) of this member's share. */
    int to(int count, int grain) const { return split(count, grain, index + 1); }

    /**
     * Runs f(i) for every i in [0, count) on some member (dynamic assignment: each task computes a fixed part of
     * the output, so who runs it does not change the result), then meets the others at a barrier.
     */
    template <class F>
    void tasks(int count, F f);

private:
    int split(int count, int grain, int k) const {
        int64_t chunks = ((int64_t)count + grain - 1) / grain;
        int64_t c = chunks * k / size;
        int64_t v = c * grain;
        return (int)(v < count ? v : count);
    }
    int next_task(int count);
};

typedef void (*TeamJob)(void* context, Member& member);

class Team {
public:
    explicit Team(int size);
    ~Team();
    Team(const Team&) = delete;
    Team& operator=(const Team&) = delete;

    int size() const { return size_; }

    /** Runs job on every member of the team, or alone on the calling thread when another call holds the team. */
    void run(TeamJob job, void* context);

private:
    friend struct Member;
    void worker_loop(int index);
    void barrier_wait();

    const int size_;
    std::vector<std::thread> workers_;
    std::mutex running_;  // held by the call that has the team

    std::mutex mu_;
    std::condition_variable wake_;
    std::condition_variable finished_;
    std::atomic<int> round_{0};
    std::atomic<bool> stop_{false};
    TeamJob job_ = nullptr;
    void* context_ = nullptr;
    std::atomic<int> done_{0};

    alignas(64) std::atomic<int> arrived_{0};
    alignas(64) std::atomic<int> generation_{0};
    alignas(64) std::atomic<int64_t> tickets_{0};
};

inline void Member::barrier() {
    if (size > 1) team->barrier_wait();
}

inline int Member::next_task(int count) {
    int64_t i = team->tickets_.fetch_add(1, std::memory_order_relaxed) - ticket_base;
    if (i < count) return (int)i;
    // every member overshoots exactly once per task set, so all agree on where the next set starts
    ticket_base += count + size;
    return -1;
}

template <class F>
void Member::tasks(int count, F f) {
    if (size == 1) {
        for (int i = 0; i < count; i++) f(i);
        return;
    }
    for (int i; (i = next_task(count)) >= 0;) f(i);
    barrier();
}

}  // namespace rnn4j

#endif  // RNN4J_TEAM_H

"""The runner's queue of jobs waiting for a provider slot, kept in memory.

The jobs table stays the truth (every transition is written there); this is rebuilt from it at
start. Per provider, each member's waiting jobs sit in a heap of job ids (oldest first) and the
members sit in a heap keyed by (jobs the member has started, the member's oldest job id). Taking
the next job is O(log n): the member with the fewest jobs running goes first, then the oldest job,
so one member's pile cannot starve everyone else. Entries whose key went stale (the member started
or finished a job, or a job left the queue) are skipped when they come to the top (lazy
invalidation) instead of being searched for.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from domain.jobs import Job

# (the member's started jobs when pushed, the member's oldest waiting job id, member id)
_Entry = tuple[int, int, int]


class FairQueue:
    def __init__(self) -> None:
        self._jobs: dict[int, Job] = {}
        # (provider, member) -> heap of waiting job ids; ids that left the queue are dropped lazily.
        self._waiting: dict[tuple[str, int], list[int]] = {}
        self._members: defaultdict[str, list[_Entry]] = defaultdict(list)
        self._providers_of: defaultdict[int, set[str]] = defaultdict(set)
        # The key last pushed for each (provider, member): only a change pushes a new entry.
        self._pushed: dict[tuple[str, int], tuple[int, int]] = {}
        # Jobs each member has started (over all providers): the fairness key.
        self.load: Counter[int] = Counter()

    def __len__(self) -> int:
        return len(self._jobs)

    def __contains__(self, job_id: int) -> bool:
        return job_id in self._jobs

    def jobs(self) -> list[Job]:
        return list(self._jobs.values())

    def push(self, job: Job) -> None:
        """Queue a job (again); a job already queued is replaced by the newer row."""
        fresh = job.id not in self._jobs
        self._jobs[job.id] = job
        if not fresh:
            return
        key = (job.provider, job.member_id)
        ids = self._waiting.setdefault(key, [])
        heapq.heappush(ids, job.id)
        self._providers_of[job.member_id].add(job.provider)
        self._requeue_member(job.provider, job.member_id)

    def discard(self, job_id: int) -> Job | None:
        """Take a job out (cancelled, failed); its heap entries go stale and are skipped later."""
        return self._jobs.pop(job_id, None)

    def pop(self, provider: str) -> Job | None:
        """The next job for this provider in fair order, or None if none waits."""
        heap = self._members.get(provider)
        while heap:
            load, head, member = heap[0]
            current = self._head(provider, member)
            if current is None:
                heapq.heappop(heap)
                continue
            if (load, head) != (self.load[member], current):
                heapq.heappop(heap)
                self._requeue_member(provider, member)
                continue
            heapq.heappop(heap)
            ids = self._waiting[(provider, member)]
            heapq.heappop(ids)
            job = self._jobs.pop(current)
            self._requeue_member(provider, member)
            return job
        return None

    def started(self, member_id: int) -> None:
        self.load[member_id] += 1
        self._rekey(member_id)

    def ended(self, member_id: int) -> None:
        self.load[member_id] -= 1
        if self.load[member_id] <= 0:
            del self.load[member_id]
        self._rekey(member_id)

    def order(self, provider: str) -> list[Job]:
        """Every job waiting for this provider in the order pop would hand them out: O(n log n)."""
        members: list[tuple[int, int, int, list[int]]] = []
        for member in list(self._providers_of):
            # Newest first, so the oldest is taken off the end.
            ids = sorted(
                (i for i in self._waiting.get((provider, member), ()) if i in self._jobs), reverse=True
            )
            if ids:
                members.append((self.load[member], ids[-1], member, ids))
        heapq.heapify(members)
        out: list[Job] = []
        while members:
            load, _, member, ids = heapq.heappop(members)
            out.append(self._jobs[ids.pop()])
            if ids:
                heapq.heappush(members, (load + 1, ids[-1], member, ids))
        return out

    def providers(self) -> list[str]:
        return [p for p, heap in self._members.items() if heap]

    def _head(self, provider: str, member: int) -> int | None:
        ids = self._waiting.get((provider, member))
        while ids and ids[0] not in self._jobs:
            heapq.heappop(ids)
        if not ids:
            self._waiting.pop((provider, member), None)
            self._pushed.pop((provider, member), None)
            providers = self._providers_of.get(member)
            if providers is not None:
                providers.discard(provider)
                if not providers:
                    del self._providers_of[member]
            return None
        return ids[0]

    def _requeue_member(self, provider: str, member: int) -> None:
        """Push the member's current key unless that very key is already in the heap."""
        head = self._head(provider, member)
        if head is None:
            return
        key = (self.load[member], head)
        if self._pushed.get((provider, member)) == key:
            return
        self._pushed[(provider, member)] = key
        heap = self._members[provider]
        heapq.heappush(heap, (*key, member))
        if len(heap) > 2 * len(self._pushed) + 16:
            # Stale entries below the top never surface on their own: rebuild from the live keys,
            # which costs O(members) once per as many changes (amortised O(1)).
            heap[:] = [(*k, m) for (p, m), k in self._pushed.items() if p == provider]
            heapq.heapify(heap)

    def _rekey(self, member: int) -> None:
        for provider in list(self._providers_of.get(member, ())):
            self._requeue_member(provider, member)

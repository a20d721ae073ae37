"""Per-sender rate limiting for the public channels (REST, SMS).

RATE_LIMIT_PER_MINUTE messages per sender per minute (default 20; 0 turns it off). With
REDIS_HOST set (production) the count is shared by every Rasa server through Redis; otherwise
it is kept in this process.
"""
import os
import threading
import time
from collections import defaultdict
from typing import Optional


class RateLimiter:
    def __init__(self, per_minute: Optional[int] = None, redis_client=None):
        self.per_minute = int(os.environ.get("RATE_LIMIT_PER_MINUTE", 20) if per_minute is None else per_minute)
        self.redis = redis_client
        if self.redis is None and os.environ.get("REDIS_HOST"):
            import redis

            self.redis = redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ.get("REDIS_PORT", 6379)),
                                     password=os.environ.get("REDIS_PASSWORD") or None, db=2,
                                     socket_timeout=1)
        self.counts = defaultdict(int)
        self.lock = threading.Lock()

    def allow(self, channel: str, sender: str) -> bool:
        return self.per_minute <= 0 or self.count(channel, sender) <= self.per_minute

    def count(self, channel: str, sender: str) -> int:
        """Count this message: the sender's messages this minute, this one included (0 when off)."""
        if self.per_minute <= 0:
            return 0
        minute = int(time.time() // 60)
        key = f"rate:{channel}:{sender}:{minute}"
        if self.redis is not None:
            try:
                count, _ = self.redis.pipeline().incr(key).expire(key, 120).execute()  # one round trip
                return count
            except Exception:
                pass  # Redis unreachable: fall back to this process's own count
        with self.lock:
            if len(self.counts) > 100_000:  # forget old minutes
                for old in [k for k in self.counts if not k.endswith(f":{minute}")]:
                    del self.counts[old]
            self.counts[key] += 1
            return self.counts[key]

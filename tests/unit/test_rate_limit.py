from channels.rate_limit import RateLimiter


def test_each_sender_gets_its_own_allowance():
    limiter = RateLimiter(per_minute=3, redis_client=None)
    assert [limiter.allow("rest", "a") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.allow("rest", "b") and limiter.allow("sms", "a")


def test_zero_turns_it_off():
    limiter = RateLimiter(per_minute=0)
    assert all(limiter.allow("rest", "a") for _ in range(1000))

"""Input a form may receive from anyone, for the hypothesis tests of every write path
(test_security for deals, test_fuzz_forms for the other forms): nothing of it may raise anything
but a domain error with a message, and a refused write changes nothing."""

from hypothesis import strategies as st

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.dates(),
    st.datetimes(),
    st.lists(st.integers(), max_size=2),
    st.sampled_from(
        [
            "",
            " ",
            "1e400",
            "NaN",
            "-1",
            "0",
            "1,000",
            "$12",
            "2026-02-30",
            "2026-06",
            "2026-06-01",
            "2026-06-30",
            '=HYPERLINK("http://x")',
            "Robert'); drop table goals;--",
            "Robert'); drop table opportunities;--",
            "\x00",
            "9" * 40,
            "EUR",
            "hot",
        ]
    ),
)

-- demo_uniform(i, k, seed): a uniform number in (0, 1), fixed for (row i, draw k, seed).
create or replace temp macro demo_uniform(i, k, seed) as
    ((hash(i, k, seed) % 1000003)::double + 0.5) / 1000003.0

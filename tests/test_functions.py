"""The test landscapes of descend.functions and check_grad.

Every landscape is checked against a float64 NumPy reference written from its formula, and
its gradient against central finite differences of that reference.
"""

import copy
import math
import pickle

import numpy as np
import pytest

import descend
from descend import _core
from descend import functions as F

# ---------------------------------------------------------------------- NumPy references


def ref_sphere(x):
    return np.sum(x**2, axis=-1)


def ref_ill_conditioned(condition):
    def f(x):
        n = x.shape[-1]
        c = 1 + (condition - 1) * np.arange(n) / (n - 1) if n > 1 else np.ones(1)
        return 0.5 * np.sum(c * x**2, axis=-1)

    return f


def ref_booth(x):
    a, b = x[..., 0], x[..., 1]
    return (a + 2 * b - 7) ** 2 + (2 * a + b - 5) ** 2


def ref_rosenbrock(x):
    return np.sum(100 * (x[..., 1:] - x[..., :-1] ** 2) ** 2 + (1 - x[..., :-1]) ** 2, axis=-1)


def ref_beale(x):
    a, b = x[..., 0], x[..., 1]
    return (1.5 - a + a * b) ** 2 + (2.25 - a + a * b**2) ** 2 + (2.625 - a + a * b**3) ** 2


def ref_saddle(x):
    return x[..., 0] ** 2 - x[..., 1] ** 2


def ref_monkey_saddle(x):
    return x[..., 0] ** 3 - 3 * x[..., 0] * x[..., 1] ** 2


def ref_double_well(x):
    return x[..., 0] ** 4 / 4 + x[..., 0] ** 3 / 3 - x[..., 0] ** 2


def ref_himmelblau(x):
    a, b = x[..., 0], x[..., 1]
    return (a**2 + b - 11) ** 2 + (a + b**2 - 7) ** 2


def ref_rastrigin(x):
    n = x.shape[-1]
    return 10 * n + np.sum(x**2 - 10 * np.cos(2 * np.pi * x), axis=-1)


def ref_ackley(x):
    return (
        -20 * np.exp(-0.2 * np.sqrt(np.mean(x**2, axis=-1)))
        - np.exp(np.mean(np.cos(2 * np.pi * x), axis=-1))
        + 20
        + math.e
    )


CASES = [
    (F.sphere, ref_sphere),
    (F.Sphere(5), ref_sphere),
    (F.ill_conditioned, ref_ill_conditioned(100.0)),
    (F.IllConditionedQuadratic(4, condition=1e3), ref_ill_conditioned(1e3)),
    (F.IllConditionedQuadratic(1), ref_ill_conditioned(1.0)),
    (F.booth, ref_booth),
    (F.rosenbrock, ref_rosenbrock),
    (F.Rosenbrock(6), ref_rosenbrock),
    (F.beale, ref_beale),
    (F.saddle, ref_saddle),
    (F.monkey_saddle, ref_monkey_saddle),
    (F.double_well, ref_double_well),
    (F.himmelblau, ref_himmelblau),
    (F.rastrigin, ref_rastrigin),
    (F.Rastrigin(3), ref_rastrigin),
    (F.ackley, ref_ackley),
    (F.Ackley(4), ref_ackley),
]
IDS = [repr(landscape) for landscape, _ in CASES]


def random_points(landscape, count, seed=0):
    """Uniform random points inside the landscape's suggested bounds."""
    rng = np.random.default_rng(seed)
    low, high = np.array(landscape.bounds).T
    return low + (high - low) * rng.random((count, landscape.dim))


def central_difference(f, x, h=1e-5):
    """Central differences of a NumPy reference, step scaled to x."""
    grad = np.empty_like(x)
    for i in range(x.size):
        step = h * max(1.0, abs(x[i]))
        forward, backward = x.copy(), x.copy()
        forward[i] += step
        backward[i] -= step
        grad[i] = (f(forward) - f(backward)) / (forward[i] - backward[i])
    return grad


# ---------------------------------------------------------------------- values and gradients


@pytest.mark.parametrize(("landscape", "reference"), CASES, ids=IDS)
def test_value_matches_the_numpy_formula(landscape, reference):
    points = random_points(landscape, 50)
    expected = reference(points)
    got = landscape(points)
    assert got.shape == (50,)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert landscape(points[3]) == pytest.approx(expected[3], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("landscape", "reference"), CASES, ids=IDS)
def test_gradient_matches_central_differences_at_random_points(landscape, reference):
    for x in random_points(landscape, 10, seed=1):
        exact = landscape.grad(x)
        approx = central_difference(reference, x)
        error = np.linalg.norm(exact - approx) / max(np.linalg.norm(approx), 1e-300)
        assert error < 1e-6, (x, exact, approx)


@pytest.mark.parametrize(("landscape", "reference"), CASES, ids=IDS)
def test_value_and_grad_equals_value_and_grad_separately(landscape, reference):
    points = random_points(landscape, 7, seed=2)
    value, grad = landscape.value_and_grad(points)
    np.testing.assert_array_equal(value, landscape(points))
    np.testing.assert_array_equal(grad, landscape.grad(points))


@pytest.mark.parametrize(("landscape", "reference"), CASES, ids=IDS)
def test_check_grad_accepts_every_landscape_gradient(landscape, reference):
    for x in random_points(landscape, 3, seed=3):
        assert descend.check_grad(landscape, landscape.grad, x) < 1e-6


def test_batches_of_points_keep_their_shape():
    points = random_points(F.rosenbrock, 12).reshape(4, 3, 2)
    values = F.rosenbrock(points)
    grads = F.rosenbrock.grad(points)
    assert values.shape == (4, 3) and grads.shape == (4, 3, 2)
    np.testing.assert_array_equal(values[2, 1], F.rosenbrock(points[2, 1]))
    np.testing.assert_array_equal(grads[2, 1], F.rosenbrock.grad(points[2, 1]))


def test_one_variable_landscape_accepts_a_scalar():
    assert F.double_well(1.0) == pytest.approx(-5 / 12, rel=1e-15)
    np.testing.assert_array_equal(F.double_well.grad(2.0), [8.0])  # 2 (2 + 2) (2 - 1)


def test_float32_stays_float32():
    points = random_points(F.beale, 20).astype(np.float32)
    values, grads = F.beale.value_and_grad(points)
    assert values.dtype == np.float32 and grads.dtype == np.float32
    np.testing.assert_allclose(values, ref_beale(points.astype(np.float64)), rtol=1e-5)


def test_integer_points_are_converted_to_float64():
    grad = F.rosenbrock.grad([1, 1])
    assert grad.dtype == np.float64
    np.testing.assert_array_equal(grad, [0.0, 0.0])


def test_rosenbrock_gradient_by_hand():
    # f = 100 (y - x^2)^2 + (1 - x)^2 at (-1.5, 2): y - x^2 = -0.25
    assert F.rosenbrock([-1.5, 2.0]) == 12.5
    np.testing.assert_array_equal(F.rosenbrock.grad([-1.5, 2.0]), [-155.0, -50.0])


def test_ill_conditioned_quadratic_has_the_stated_condition_number():
    landscape = F.IllConditionedQuadratic(3, condition=50.0)
    curvatures = [landscape.grad(e)[i] for i, e in enumerate(np.eye(3))]
    assert curvatures == [1.0, 25.5, 50.0]
    assert landscape.condition == 50.0


# ---------------------------------------------------------------------- known points


MINIMA_CASES = [landscape for landscape, _ in CASES if landscape.minima]


@pytest.mark.parametrize("landscape", MINIMA_CASES, ids=repr)
def test_known_minima_have_zero_gradient_and_the_stated_value(landscape):
    for minimum in landscape.minima:
        assert landscape(minimum.x) == pytest.approx(minimum.fun, rel=1e-15, abs=1e-20)
        np.testing.assert_allclose(landscape.grad(minimum.x), 0.0, atol=1e-12)
    assert landscape.minima[0].is_global


@pytest.mark.parametrize("landscape", [F.saddle, F.monkey_saddle], ids=repr)
def test_saddles_have_no_minimum_and_a_stationary_point(landscape):
    assert landscape.minima == ()
    (point,) = landscape.saddle_points
    np.testing.assert_array_equal(landscape.grad(point), [0.0, 0.0])


def test_double_well_has_one_global_and_one_local_minimum_around_a_maximum():
    best, local = F.double_well.minima
    assert (best.x, best.fun, best.is_global) == ((-2.0,), -8 / 3, True)
    assert (local.x, local.fun, local.is_global) == ((1.0,), -5 / 12, False)
    assert F.double_well.grad(0.0)[0] == 0.0
    # a maximum at 0: f''(0) = -2
    assert F.double_well(1e-3) < 0 and F.double_well(-1e-3) < 0


def test_himmelblau_has_four_global_minima():
    assert len(F.himmelblau.minima) == 4
    assert all(m.is_global and m.fun == 0.0 for m in F.himmelblau.minima)


def test_bounds_have_one_range_per_variable():
    for landscape, _ in CASES:
        assert len(landscape.bounds) == landscape.dim
        assert all(low < high for low, high in landscape.bounds)


# ---------------------------------------------------------------------- refusals


def test_points_of_the_wrong_dimension_are_refused():
    with pytest.raises(ValueError, match=r"expected shape \(2,\) or \(\.\.\., 2\).*got \(3,\)"):
        F.rosenbrock([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expected shape"):
        F.rosenbrock(1.0)


def test_non_real_points_are_refused():
    with pytest.raises(TypeError, match="real numbers"):
        F.sphere(np.array([1j, 2j]))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: F.Rosenbrock(1), "dim must be >= 2"),
        (lambda: F.Sphere(0), "dim must be >= 1"),
        (lambda: F.Rastrigin(0), "dim must be >= 1"),
        (lambda: F.Ackley(0), "dim must be >= 1"),
        (lambda: F.IllConditionedQuadratic(2, condition=0.5), "condition must be"),
        (lambda: F.IllConditionedQuadratic(2, condition=math.inf), "condition must be"),
    ],
)
def test_impossible_parameters_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("out", "error", "message"),
    [
        (np.zeros((4, 2), np.float32), TypeError, "grad: expected dtype float64"),
        (np.zeros((4, 3)), ValueError, r"grad: expected shape \(4, 2\)"),
        (np.zeros((2, 4)).T, ValueError, "grad: expected a C-contiguous array"),
        (np.zeros((4, 2)), ValueError, "value: expected a writeable array"),
    ],
)
def test_core_refuses_bad_outputs_and_leaves_arrays_untouched(out, error, message):
    core = _core.Rosenbrock(2)
    x = random_points(F.rosenbrock, 4)
    values = np.full(4, 7.0)
    if "writeable" in message:
        values.flags.writeable = False
    before_values, before_out = values.copy(), out.copy()
    with pytest.raises(error, match=message):
        core.value_and_grad(x, values, out)
    np.testing.assert_array_equal(values, before_values)
    np.testing.assert_array_equal(out, before_out)


# ---------------------------------------------------------------------- check_grad


def test_check_grad_is_the_relative_error_against_central_differences():
    def half_square(x):
        return 0.5 * float(x @ x)

    x = np.array([0.3, -1.2, 2.0])
    assert descend.check_grad(half_square, lambda x: x, x) < 1e-9
    # jac = 2x against the true x: |2x - x| / max(|2x|, |x|) = 1/2
    assert descend.check_grad(half_square, lambda x: 2 * x, x) == pytest.approx(0.5, rel=1e-7)


def test_check_grad_full_output_names_the_worst_coordinate():
    landscape = F.Rosenbrock(4)

    def wrong(x):
        return landscape.grad(x) * [1.0, 1.0, 1.01, 1.0]

    x = np.array([0.5, -0.3, 1.2, 0.8])
    error, worst = descend.check_grad(landscape, wrong, x, full_output=True)
    assert error > 1e-4
    assert worst == 2


def test_check_grad_takes_a_fixed_step():
    x = np.array([1.0, 2.0])
    loose = descend.check_grad(F.sphere, F.sphere.grad, x, eps=0.5)
    # central differences are exact on a quadratic, whatever the step
    assert loose < 1e-14
    with pytest.raises(ValueError, match="eps must be a finite number > 0"):
        descend.check_grad(F.sphere, F.sphere.grad, x, eps=-1.0)


@pytest.mark.parametrize(
    "landscape",
    [
        F.rosenbrock,
        F.Rosenbrock(5),
        F.IllConditionedQuadratic(3, condition=7.5),
        F.Rastrigin(4),
        F.himmelblau,
        F.Sphere(1),
    ],
    ids=repr,
)
def test_a_landscape_pickles_and_copies_as_the_call_that_built_it(landscape):
    x = np.linspace(-1.0, 1.5, landscape.dim)
    for twin in (pickle.loads(pickle.dumps(landscape)), copy.deepcopy(landscape)):
        assert type(twin) is type(landscape) and repr(twin) == repr(landscape)
        assert twin(x) == landscape(x)
        np.testing.assert_array_equal(twin.grad(x), landscape.grad(x))
        assert twin.minima == landscape.minima and twin.bounds == landscape.bounds


def test_ill_conditioned_quadratic_in_one_dimension_has_condition_one():
    assert F.IllConditionedQuadratic(1).condition == 1.0
    assert F.IllConditionedQuadratic(3).condition == 100.0
    with pytest.raises(ValueError, match=r"condition must be 1 when dim is 1.*got 7\.0"):
        F.IllConditionedQuadratic(1, condition=7.0)


def test_check_grad_of_a_function_returning_a_pair_says_how_to_split_it():
    with pytest.raises((TypeError, ValueError), match=r"lambda x: fun\(x\)\[0\]") as error:
        descend.check_grad(F.rosenbrock.value_and_grad, F.rosenbrock.grad, [1.0, 2.0])
    assert "jac=True" not in str(error.value)


def test_check_grad_refuses_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"jac must return an array of shape \(2,\)"):
        descend.check_grad(F.sphere, lambda x: np.zeros(3), [1.0, 2.0])

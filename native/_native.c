/* The talk's C extension: countdowns that hold or release the GIL, the INCREF/DECREF race, sleep.
 *
 * Every argument is parsed and checked while the GIL is held; between
 * Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS only plain C runs. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define MAX_THREADS 64
#define MAX_ITERATIONS 1000000000LL

/* volatile: every decrement is a real load and store, so -O2 cannot fold the loop away. */
static void
count_down(long long n)
{
    volatile long long count = n;
    while (count > 0) {
        count--;
    }
}

/* n: an int from 0 to 2**63-1; too big is OverflowError, negative (however big) is ValueError. */
static int
parse_count(PyObject *arg, long long *n)
{
    if (!PyLong_Check(arg)) {
        PyErr_Format(PyExc_TypeError, "n must be an int, not %.100s", Py_TYPE(arg)->tp_name);
        return -1;
    }
    int overflow;
    *n = PyLong_AsLongLongAndOverflow(arg, &overflow);
    if (*n == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow > 0) {
        PyErr_SetString(PyExc_OverflowError, "n must be at most 2**63-1");
        return -1;
    }
    if (overflow < 0 || *n < 0) {
        PyErr_SetString(PyExc_ValueError, "n must be >= 0");
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(countdown_doc,
"countdown(n)\n--\n\nCount n down to zero in C while holding the GIL: other Python threads wait.");

static PyObject *
countdown(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long long n;
    if (parse_count(arg, &n) < 0) {
        return NULL;
    }
    count_down(n);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(countdown_nogil_doc,
"countdown_nogil(n)\n--\n\nCount n down to zero in C with the GIL released: other threads run meanwhile.");

static PyObject *
countdown_nogil(PyObject *Py_UNUSED(module), PyObject *arg)
{
    long long n;
    if (parse_count(arg, &n) < 0) {
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    count_down(n);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* The race: each thread does what Py_INCREF then Py_DECREF compile to (load, add, store). */
typedef struct {
    volatile long long plain;
    atomic_llong atomic;
    long long iterations;
    int use_atomic;
    atomic_int go;  /* threads begin together, so their updates really interleave */
} race_t;

static void *
race_worker(void *arg)
{
    race_t *race = arg;
    while (!atomic_load(&race->go)) {
    }
    for (long long i = 0; i < race->iterations; i++) {
        if (race->use_atomic) {
            atomic_fetch_add(&race->atomic, 1);
            atomic_fetch_sub(&race->atomic, 1);
        }
        else {
            race->plain = race->plain + 1;
            race->plain = race->plain - 1;
        }
    }
    return NULL;
}

PyDoc_STRVAR(refcount_race_doc,
"refcount_race(threads, iterations, atomic=False)\n--\n\n"
"Start `threads` C threads that each increment then decrement one shared counter\n"
"`iterations` times, non-atomically (as Py_INCREF/Py_DECREF would without the GIL)\n"
"or with atomics. Return the final counter: 0 when no update was lost.");

static PyObject *
refcount_race(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"threads", "iterations", "atomic", NULL};
    int threads, use_atomic = 0;
    long long iterations;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iL|p:refcount_race", keywords,
                                     &threads, &iterations, &use_atomic)) {
        return NULL;
    }
    if (threads < 1 || threads > MAX_THREADS) {
        return PyErr_Format(PyExc_ValueError, "threads must be between 1 and %d, not %d",
                            MAX_THREADS, threads);
    }
    if (iterations < 0 || iterations > MAX_ITERATIONS) {
        return PyErr_Format(PyExc_ValueError, "iterations must be between 0 and %lld",
                            MAX_ITERATIONS);
    }
    race_t race = {.plain = 0, .iterations = iterations, .use_atomic = use_atomic};
    atomic_init(&race.atomic, 0);
    atomic_init(&race.go, 0);
    pthread_t ids[MAX_THREADS];
    int started = 0, error = 0;
    Py_BEGIN_ALLOW_THREADS
    for (; started < threads; started++) {
        error = pthread_create(&ids[started], NULL, race_worker, &race);
        if (error) {
            break;
        }
    }
    atomic_store(&race.go, 1);
    for (int i = 0; i < started; i++) {
        pthread_join(ids[i], NULL);
    }
    Py_END_ALLOW_THREADS
    if (error) {
        errno = error;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    return PyLong_FromLongLong(use_atomic ? atomic_load(&race.atomic) : race.plain);
}

PyDoc_STRVAR(sleep_doc,
"sleep(seconds, release_gil=True)\n--\n\n"
"Sleep in C, with the GIL released (like blocking I/O) or held (nothing else runs).");

static PyObject *
native_sleep(PyObject *Py_UNUSED(module), PyObject *args, PyObject *kwargs)
{
    static char *keywords[] = {"seconds", "release_gil", NULL};
    double seconds;
    int release = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "d|p:sleep", keywords, &seconds, &release)) {
        return NULL;
    }
    if (!(seconds >= 0) || !isfinite(seconds) || seconds > 86400) {
        return PyErr_Format(PyExc_ValueError, "seconds must be between 0 and 86400");
    }
    struct timespec left = {.tv_sec = (time_t)seconds,
                            .tv_nsec = (long)((seconds - (double)(time_t)seconds) * 1e9)};
    if (left.tv_nsec > 999999999) {  /* a fraction just below 1 can round up to 1e9 ns */
        left.tv_nsec = 999999999;
    }
    for (;;) {
        int rc;
        if (release) {
            Py_BEGIN_ALLOW_THREADS
            rc = nanosleep(&left, &left);
            Py_END_ALLOW_THREADS
        }
        else {
            rc = nanosleep(&left, &left);
        }
        if (rc == 0) {
            break;
        }
        if (errno != EINTR) {
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        if (PyErr_CheckSignals() < 0) {  /* e.g. KeyboardInterrupt */
            return NULL;
        }
    }
    Py_RETURN_NONE;
}

static PyMethodDef native_methods[] = {
    {"countdown", countdown, METH_O, countdown_doc},
    {"countdown_nogil", countdown_nogil, METH_O, countdown_nogil_doc},
    {"refcount_race", (PyCFunction)(void (*)(void))refcount_race, METH_VARARGS | METH_KEYWORDS,
     refcount_race_doc},
    {"sleep", (PyCFunction)(void (*)(void))native_sleep, METH_VARARGS | METH_KEYWORDS, sleep_doc},
    {NULL, NULL, 0, NULL},
};

static int
native_exec(PyObject *module)
{
    return PyModule_AddIntConstant(module, "MAX_THREADS", MAX_THREADS);
}

static PyModuleDef_Slot native_slots[] = {
    {Py_mod_exec, native_exec},
#ifdef Py_mod_multiple_interpreters
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
#ifdef Py_mod_gil
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

static struct PyModuleDef native_module = {
    .m_base = PyModuleDef_HEAD_INIT,
    .m_name = "native._native",
    .m_doc = "C code for the GIL talk: what holds the GIL, what releases it, and the race it prevents.",
    .m_size = 0,
    .m_methods = native_methods,
    .m_slots = native_slots,
};

PyMODINIT_FUNC
PyInit__native(void)
{
    return PyModuleDef_Init(&native_module);
}

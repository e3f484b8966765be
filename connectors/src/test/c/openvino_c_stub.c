/*
 * A stand-in for libopenvino_c.so, built by the test phase (gcc): the subset of the OpenVINO C API
 * that QuantWatch's openvino backend calls, with the same signatures, status codes, ownership rules
 * (every object freed exactly once; ov_get_last_err_msg returns a string the caller frees with
 * ov_free) and a deterministic toy stateful LLM behind it. Extra stub_* functions let tests count
 * live objects, see the last compile properties and choose which devices exist.
 *
 * The toy model: a folder's openvino_model.xml carries a line "<!-- stub vocab=V perturb=P -->".
 * For a request whose state holds tokens t0..tk, the next-token logits are a fixed function of
 * (hash(t0..tk), v), plus P times a second function: P = 0 is the reference, small P flips some
 * greedy choices, as quantization does. EOS (id 1) grows likelier as the sequence gets longer.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { OK = 0, GENERAL_ERROR = -1, NOT_IMPLEMENTED = -2, PARAMETER_MISMATCH = -4, NOT_FOUND = -5,
               OUT_OF_BOUNDS = -6, INVALID_C_PARAM = -14 } ov_status_e;
typedef enum { UNDEFINED = 0, DYNAMIC, BOOLEAN, BF16, F16, F32, F64, I4, I8, I16, I32, I64, U1, U4, U8 } ov_element_type_e;
typedef struct { int64_t rank; int64_t* dims; } ov_shape_t;
typedef struct { char** devices; size_t size; } ov_available_devices_t;

#define MAGIC_CORE 0x0C0Eu
#define MAGIC_MODEL 0x0DE1u
#define MAGIC_COMPILED 0x0C0Du
#define MAGIC_REQUEST 0x0EEDu
#define MAGIC_TENSOR 0x0E50u
#define MAX_STATE 4096

typedef struct { unsigned magic; } ov_core_t;
typedef struct { unsigned magic; int vocab; double perturb; } ov_model_t;
typedef struct { unsigned magic; int vocab; double perturb; long max_prompt; } ov_compiled_model_t;
typedef struct ov_tensor {
    unsigned magic; ov_element_type_e type; int64_t dims[4]; int64_t rank; void* data; int owns;
} ov_tensor_t;
typedef struct {
    unsigned magic; ov_compiled_model_t* compiled;
    ov_tensor_t* input_ids; ov_tensor_t* attention_mask; ov_tensor_t* position_ids; ov_tensor_t* beam_idx;
    float* logits; int64_t logits_len; int64_t history[MAX_STATE]; int64_t past;
} ov_infer_request_t;

static long live = 0, double_frees = 0;
static char last_error[1024];
static int has_error = 0;
static char devices_env[256] = "CPU,GPU";
static char last_properties[2048];

static ov_status_e fail(ov_status_e status, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    has_error = 1;
    return status;
}

static int release(unsigned* magic, unsigned expected) {
    if (magic == NULL) return 0;
    if (*magic != expected) { double_frees++; return 0; }
    *magic = 0xDEADu;
    live--;
    return 1;
}

/* ---- stub controls, for tests ---- */
long stub_live_objects(void) { return live; }
long stub_double_frees(void) { return double_frees; }
const char* stub_last_compile_properties(void) { return last_properties; }
void stub_set_devices(const char* csv) { snprintf(devices_env, sizeof devices_env, "%s", csv); }
/* How the logits output looks: "full" (every position, f32), "last" (sliced to the last position), "f16". */
static char logits_mode[16] = "full";
void stub_set_logits(const char* mode) { snprintf(logits_mode, sizeof logits_mode, "%s", mode); }

/* ---- errors ---- */
const char* ov_get_error_info(ov_status_e status) {
    switch (status) {
        case OK: return "OK";
        case GENERAL_ERROR: return "GENERAL_ERROR";
        case NOT_IMPLEMENTED: return "NOT_IMPLEMENTED";
        case PARAMETER_MISMATCH: return "PARAMETER_MISMATCH";
        case NOT_FOUND: return "NOT_FOUND";
        case OUT_OF_BOUNDS: return "OUT_OF_BOUNDS";
        case INVALID_C_PARAM: return "INVALID_C_PARAM";
        default: return "UNKNOWN_ERROR";
    }
}
const char* ov_get_last_err_msg(void) {
    if (!has_error) return NULL;
    char* copy = malloc(strlen(last_error) + 1);
    strcpy(copy, last_error);
    live++;
    return copy;
}
void ov_free(const char* content) { if (content) { free((void*) content); live--; } }

/* ---- core ---- */
ov_status_e ov_core_create(ov_core_t** core) {
    if (!core) return fail(INVALID_C_PARAM, "core is NULL");
    *core = malloc(sizeof(ov_core_t));
    (*core)->magic = MAGIC_CORE;
    live++;
    return OK;
}
void ov_core_free(ov_core_t* core) { if (release(core ? &core->magic : NULL, MAGIC_CORE)) free(core); }

ov_status_e ov_core_get_available_devices(const ov_core_t* core, ov_available_devices_t* devices) {
    if (!core || core->magic != MAGIC_CORE || !devices) return fail(INVALID_C_PARAM, "bad core or devices");
    size_t n = devices_env[0] ? 1 : 0;
    for (const char* p = devices_env; *p; p++) if (*p == ',') n++;
    devices->devices = calloc(n ? n : 1, sizeof(char*));
    devices->size = n;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", devices_env);
    size_t i = 0;
    for (char* tok = strtok(buf, ","); tok && i < n; tok = strtok(NULL, ",")) {
        devices->devices[i] = malloc(strlen(tok) + 1);
        strcpy(devices->devices[i++], tok);
    }
    live++;
    return OK;
}
void ov_available_devices_free(ov_available_devices_t* devices) {
    if (!devices || !devices->devices) return;
    for (size_t i = 0; i < devices->size; i++) free(devices->devices[i]);
    free(devices->devices);
    devices->devices = NULL;
    live--;
}

ov_status_e ov_core_read_model(const ov_core_t* core, const char* model_path, const char* bin_path, ov_model_t** model) {
    if (!core || core->magic != MAGIC_CORE || !model_path || !model) return fail(INVALID_C_PARAM, "bad arguments to read_model");
    FILE* f = fopen(model_path, "rb");
    if (!f) return fail(GENERAL_ERROR, "Exception from src/core/src/model.cpp: Model file %s cannot be opened!", model_path);
    static char text[1 << 16];
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = 0;
    const char* tag = strstr(text, "<!-- stub ");
    int vocab = 0;
    double perturb = 0;
    if (!tag || sscanf(tag, "<!-- stub vocab=%d perturb=%lf", &vocab, &perturb) < 1 || vocab < 4) {
        return fail(GENERAL_ERROR, "%s is not an IR this stub can run (no '<!-- stub vocab=N perturb=P -->' line)", model_path);
    }
    *model = malloc(sizeof(ov_model_t));
    (*model)->magic = MAGIC_MODEL;
    (*model)->vocab = vocab;
    (*model)->perturb = perturb;
    live++;
    return OK;
}
void ov_model_free(ov_model_t* model) { if (release(model ? &model->magic : NULL, MAGIC_MODEL)) free(model); }

ov_status_e ov_core_compile_model(const ov_core_t* core, const ov_model_t* model, const char* device_name,
                                  const size_t property_args_size, ov_compiled_model_t** compiled_model, ...) {
    if (!core || core->magic != MAGIC_CORE || !model || model->magic != MAGIC_MODEL || !device_name || !compiled_model) {
        return fail(INVALID_C_PARAM, "bad arguments to compile_model");
    }
    char search[260];
    snprintf(search, sizeof search, ",%s,", device_name);
    char padded[260];
    snprintf(padded, sizeof padded, ",%s,", devices_env);
    if (!strstr(padded, search)) {
        return fail(GENERAL_ERROR, "Device with \"%s\" name is not registered in the OpenVINO Runtime", device_name);
    }
    if (property_args_size % 2 != 0) return fail(INVALID_C_PARAM, "property_args_size must be even, got %zu", property_args_size);
    long max_prompt = -1;
    last_properties[0] = 0;
    va_list ap;
    va_start(ap, compiled_model);
    for (size_t i = 0; i < property_args_size; i += 2) {
        const char* key = va_arg(ap, const char*);
        const char* value = va_arg(ap, const char*);
        size_t used = strlen(last_properties);
        snprintf(last_properties + used, sizeof last_properties - used, "%s%s=%s", used ? ";" : "", key, value);
        if (strcmp(key, "NPUW_LLM_MAX_PROMPT_LEN") == 0) max_prompt = atol(value);
    }
    va_end(ap);
    *compiled_model = malloc(sizeof(ov_compiled_model_t));
    (*compiled_model)->magic = MAGIC_COMPILED;
    (*compiled_model)->vocab = model->vocab;
    (*compiled_model)->perturb = model->perturb;
    (*compiled_model)->max_prompt = strcmp(device_name, "NPU") == 0 ? max_prompt : -1;
    live++;
    return OK;
}
void ov_compiled_model_free(ov_compiled_model_t* m) { if (release(m ? &m->magic : NULL, MAGIC_COMPILED)) free(m); }

ov_status_e ov_compiled_model_create_infer_request(const ov_compiled_model_t* compiled, ov_infer_request_t** request) {
    if (!compiled || compiled->magic != MAGIC_COMPILED || !request) return fail(INVALID_C_PARAM, "bad arguments to create_infer_request");
    *request = calloc(1, sizeof(ov_infer_request_t));
    (*request)->magic = MAGIC_REQUEST;
    (*request)->compiled = (ov_compiled_model_t*) compiled;
    live++;
    return OK;
}
void ov_infer_request_free(ov_infer_request_t* r) {
    if (r && r->magic == MAGIC_REQUEST) free(r->logits);
    if (release(r ? &r->magic : NULL, MAGIC_REQUEST)) free(r);
}

/* ---- shapes and tensors ---- */
ov_status_e ov_shape_create(ov_shape_t* shape, int64_t rank, int64_t* dims) {
    if (!shape || rank <= 0 || rank > 4) return fail(INVALID_C_PARAM, "shape rank must be 1..4, got %lld", (long long) rank);
    shape->rank = rank;
    shape->dims = malloc(sizeof(int64_t) * rank);
    if (dims) memcpy(shape->dims, dims, sizeof(int64_t) * rank);
    live++;
    return OK;
}
ov_status_e ov_shape_free(ov_shape_t* shape) {
    if (!shape || !shape->dims) { double_frees++; return INVALID_C_PARAM; }
    free(shape->dims);
    shape->dims = NULL;
    live--;
    return OK;
}

static size_t element_size(ov_element_type_e t) {
    switch (t) { case F32: case I32: return 4; case I64: return 8; case F16: case BF16: return 2; default: return 1; }
}
static int64_t elements(const ov_tensor_t* t) { int64_t n = 1; for (int i = 0; i < t->rank; i++) n *= t->dims[i]; return n; }

static ov_tensor_t* new_tensor(ov_element_type_e type, const ov_shape_t shape, void* data, int owns) {
    ov_tensor_t* t = calloc(1, sizeof(ov_tensor_t));
    t->magic = MAGIC_TENSOR;
    t->type = type;
    t->rank = shape.rank;
    for (int i = 0; i < shape.rank; i++) t->dims[i] = shape.dims[i];
    t->data = data;
    t->owns = owns;
    live++;
    return t;
}
ov_status_e ov_tensor_create_from_host_ptr(const ov_element_type_e type, const ov_shape_t shape, void* host_ptr, ov_tensor_t** tensor) {
    if (!tensor || !host_ptr || shape.rank <= 0 || shape.rank > 4 || !shape.dims) return fail(INVALID_C_PARAM, "bad arguments to tensor_create_from_host_ptr");
    *tensor = new_tensor(type, shape, host_ptr, 0);
    return OK;
}
ov_status_e ov_tensor_create(const ov_element_type_e type, const ov_shape_t shape, ov_tensor_t** tensor) {
    if (!tensor || shape.rank <= 0 || shape.rank > 4 || !shape.dims) return fail(INVALID_C_PARAM, "bad arguments to tensor_create");
    ov_tensor_t* t = new_tensor(type, shape, NULL, 1);
    t->data = calloc((size_t) elements(t), element_size(type));
    *tensor = t;
    return OK;
}
ov_status_e ov_tensor_data(const ov_tensor_t* tensor, void** data) {
    if (!tensor || tensor->magic != MAGIC_TENSOR || !data) return fail(INVALID_C_PARAM, "bad tensor");
    *data = tensor->data;
    return OK;
}
ov_status_e ov_tensor_get_element_type(const ov_tensor_t* tensor, ov_element_type_e* type) {
    if (!tensor || tensor->magic != MAGIC_TENSOR || !type) return fail(INVALID_C_PARAM, "bad tensor");
    *type = tensor->type;
    return OK;
}
ov_status_e ov_tensor_get_shape(const ov_tensor_t* tensor, ov_shape_t* shape) {
    if (!tensor || tensor->magic != MAGIC_TENSOR || !shape) return fail(INVALID_C_PARAM, "bad tensor");
    return ov_shape_create(shape, tensor->rank, (int64_t*) tensor->dims);
}
void ov_tensor_free(ov_tensor_t* tensor) {
    if (tensor && tensor->magic == MAGIC_TENSOR && tensor->owns) free(tensor->data);
    if (release(tensor ? &tensor->magic : NULL, MAGIC_TENSOR)) free(tensor);
}

/* ---- inference ---- */
ov_status_e ov_infer_request_set_tensor(ov_infer_request_t* r, const char* name, const ov_tensor_t* tensor) {
    if (!r || r->magic != MAGIC_REQUEST || !name || !tensor || tensor->magic != MAGIC_TENSOR) return fail(INVALID_C_PARAM, "bad arguments to set_tensor");
    ov_tensor_t* t = (ov_tensor_t*) tensor;
    if (strcmp(name, "input_ids") == 0 && t->type == I64) r->input_ids = t;
    else if (strcmp(name, "attention_mask") == 0 && t->type == I64) r->attention_mask = t;
    else if (strcmp(name, "position_ids") == 0 && t->type == I64) r->position_ids = t;
    else if (strcmp(name, "beam_idx") == 0 && t->type == I32) r->beam_idx = t;
    else return fail(NOT_FOUND, "Port for tensor name %s was not found or has a different element type", name);
    return OK;
}

static double base_logit(uint64_t h, int v) { return 4.0 * sin((double) (h % 9973) * 0.618 + v * 1.3) + (h % 97 == (uint64_t) v ? 3 : 0); }
static double noise_logit(uint64_t h, int v) { return sin((double) (h % 7919) * 2.1 + v * 0.7); }

ov_status_e ov_infer_request_infer(ov_infer_request_t* r) {
    if (!r || r->magic != MAGIC_REQUEST) return fail(INVALID_C_PARAM, "bad infer request");
    if (!r->input_ids || !r->attention_mask || !r->position_ids || !r->beam_idx) {
        return fail(GENERAL_ERROR, "Input tensors are not set: input_ids, attention_mask, position_ids and beam_idx are required");
    }
    /* Tensors the caller set may already be freed: touching a freed tensor is the bug this check surfaces. */
    if (r->input_ids->magic != MAGIC_TENSOR || r->attention_mask->magic != MAGIC_TENSOR || r->position_ids->magic != MAGIC_TENSOR
            || r->beam_idx->magic != MAGIC_TENSOR) {
        return fail(GENERAL_ERROR, "an input tensor was freed before infer");
    }
    int64_t n = r->input_ids->dims[r->input_ids->rank - 1];
    if (r->input_ids->rank != 2 || r->input_ids->dims[0] != 1) return fail(PARAMETER_MISMATCH, "input_ids must be [1, n]");
    if (r->past == 0 && r->compiled->max_prompt > 0 && n > r->compiled->max_prompt) {
        return fail(GENERAL_ERROR, "NPUW: prompt of %lld tokens exceeds NPUW_LLM_MAX_PROMPT_LEN %ld", (long long) n, r->compiled->max_prompt);
    }
    if (r->attention_mask->dims[1] != r->past + n) {
        return fail(PARAMETER_MISMATCH, "attention_mask length %lld, expected past %lld + new %lld",
                    (long long) r->attention_mask->dims[1], (long long) r->past, (long long) n);
    }
    const int64_t* ids = r->input_ids->data;
    const int64_t* pos = r->position_ids->data;
    const int32_t* beam = r->beam_idx->data;
    if (beam[0] != 0) return fail(PARAMETER_MISMATCH, "beam_idx must be 0 for greedy decoding");
    if (r->past + n > MAX_STATE) return fail(OUT_OF_BOUNDS, "state holds at most %d tokens", MAX_STATE);
    int vocab = r->compiled->vocab;
    free(r->logits);
    r->logits = malloc(sizeof(float) * (size_t) (n * vocab));
    r->logits_len = n;
    for (int64_t i = 0; i < n; i++) {
        if (pos[i] != r->past) return fail(PARAMETER_MISMATCH, "position_ids[%lld] = %lld, expected %lld", (long long) i, (long long) pos[i], (long long) r->past);
        if (ids[i] < 0 || ids[i] >= vocab) return fail(OUT_OF_BOUNDS, "token id %lld outside the vocabulary of %d", (long long) ids[i], vocab);
        r->history[r->past++] = ids[i];
        uint64_t h = 1469598103934665603ull;
        for (int64_t k = 0; k < r->past; k++) h = (h ^ (uint64_t) r->history[k]) * 1099511628211ull;
        for (int v = 0; v < vocab; v++) {
            double logit = base_logit(h, v) + r->compiled->perturb * noise_logit(h, v);
            if (v == 1) logit += (r->past - 12) * 0.8; /* EOS grows likelier with length */
            r->logits[i * vocab + v] = (float) logit;
        }
    }
    return OK;
}

ov_status_e ov_infer_request_get_tensor(const ov_infer_request_t* r, const char* name, ov_tensor_t** tensor) {
    if (!r || r->magic != MAGIC_REQUEST || !name || !tensor) return fail(INVALID_C_PARAM, "bad arguments to get_tensor");
    if (strcmp(name, "logits") != 0) return fail(NOT_FOUND, "Port for tensor name %s was not found", name);
    if (!r->logits) return fail(GENERAL_ERROR, "logits are not computed yet: call infer first");
    int64_t dims[3] = {1, r->logits_len, r->compiled->vocab};
    ov_shape_t shape = {3, dims};
    if (strcmp(logits_mode, "last") == 0) {
        dims[1] = 1;
        *tensor = new_tensor(F32, shape, r->logits + (r->logits_len - 1) * r->compiled->vocab, 0);
    } else {
        *tensor = new_tensor(strcmp(logits_mode, "f16") == 0 ? F16 : F32, shape, r->logits, 0);
    }
    return OK;
}

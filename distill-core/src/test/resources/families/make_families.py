"""Tiny Hugging Face checkpoints of the llama, mistral, qwen2, qwen3 and opt families, with float64 references.

Independent test data for the Java (DJL) loaders and forward passes: every variant directory holds
config.json (the keys transformers 4.5x writes for that model_type, sorted, indent 2), optionally
generation_config.json, the weights in Hugging Face's exact safetensors layout (single file or shards plus
model.safetensors.index.json), a tokenizers-format tokenizer.json (Llama-family variants only) and a
reference.json computed here in float64 numpy from the values exactly as stored (BF16/F16 decoded back).

Only numpy and the standard library are used; no torch, no transformers, nothing downloaded. The output is
deterministic: weights come from numpy's default_rng(seed), and each variant's seed is the first one from its
base seed on whose greedy continuation every step has a best-vs-second-best logit gap of at least GAP_MIN
(and the variant's eos / padded-vocabulary conditions hold, see VARIANTS).

Regenerate (writes every variant directory and README.md beside this file):
    cd distill-core/src/test/resources/families && /usr/bin/python3 make_families.py

reference.json keys: ids (12 prompt ids), token_logprobs (T-1 values, log p(ids[t] | ids[<t]) for t=1..T-1,
log-softmax over the first tokenizer_vocab logits), last_logits (all config vocab_size logits at the last
position), greedy_prompt (ids[:5]), greedy (up to 8 greedy ids, argmax over the first tokenizer_vocab logits
by full recomputation, stopping after the first eos id, which is included), eos_ids, tokenizer_vocab.
"""
import json
import math
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TRANSFORMERS_VERSION = "4.51.3"
GAP_MIN = 5e-3          # required best - second-best logit gap at every greedy step (brief: > 2e-3)
PROMPT_LEN = 12
GREEDY_PROMPT = 5
GREEDY_STEPS = 8
MAX_SEED_TRIES = 50000

# --------------------------------------------------------------------------------------------------------------
# variants
# --------------------------------------------------------------------------------------------------------------
LLAMA3_SCALING = {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                  "original_max_position_embeddings": 128, "rope_type": "llama3"}

VARIANTS = [
    dict(name="llama-gqa-untied", family="llama", model_type="llama", arch="LlamaForCausalLM", base_seed=1000,
         vocab=128, tok_vocab=128, hidden=32, inter=64, layers=2, heads=4, kv=2, head_dim=None, write_head_dim=False,
         tied=False, dtype="F32", shards=1, rope_theta=10000.0, rope_scaling=None, qkv_bias=False, o_bias=False,
         qk_norm=False, eps=1e-5, max_pos=2048,
         specials=["<unk>", "<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"], bos=1, config_eos=[2, 3],
         gen={"bos_token_id": 1, "eos_token_id": [2, 3]}, eos_ids=[2, 3], want_eos=3, want_padded_win=False,
         covers="GQA (4 query heads, 2 KV heads), untied lm_head.weight, F32 single file, no head_dim key "
                "(head_dim = hidden/heads = 8), no rope scaling, Llama 3 style eos list [2, 3] in config.json and "
                "generation_config.json; greedy stops on the SECOND eos id (3)."),
    dict(name="llama3-bf16-sharded", family="llama", model_type="llama", arch="LlamaForCausalLM", base_seed=2000,
         vocab=96, tok_vocab=96, hidden=32, inter=64, layers=2, heads=4, kv=1, head_dim=8, write_head_dim=True,
         tied=True, dtype="BF16", shards=3, rope_theta=10000.0, rope_scaling=LLAMA3_SCALING, qkv_bias=True,
         o_bias=True, qk_norm=False, eps=1e-5, max_pos=1024,
         specials=["<unk>", "<|begin_of_text|>", "<|end_of_text|>"], bos=1, config_eos=2, gen=None, eos_ids=[2],
         want_eos=None, want_padded_win=False,
         covers="multi-query attention (kv heads 1), tied embeddings (no lm_head tensor), attention_bias true "
                "(bias on q, k, v AND o_proj), llama3 rope_scaling hitting the high, medium and low frequency "
                "branches, BF16, 3 shards + model.safetensors.index.json (a layer's tensors straddle shards)."),
    dict(name="mistral-untied", family="llama", model_type="mistral", arch="MistralForCausalLM", base_seed=3000,
         vocab=120, tok_vocab=120, hidden=32, inter=64, layers=2, heads=4, kv=2, head_dim=8, write_head_dim=True,
         tied=False, dtype="F16", shards=1, rope_theta=10000.0, rope_scaling=None, qkv_bias=False, o_bias=False,
         qk_norm=False, eps=1e-5, max_pos=32768, sliding_window=4096,
         specials=["<unk>", "<s>", "</s>"], bos=1, config_eos=2, gen=None, eos_ids=[2], want_eos=None,
         want_padded_win=False,
         covers="model_type mistral, GQA 4/2, sliding_window 4096 (longer than any sequence here, so full causal "
                "attention), untied, F16 single file."),
    dict(name="qwen2-padded-bias", family="llama", model_type="qwen2", arch="Qwen2ForCausalLM", base_seed=4000,
         vocab=112, tok_vocab=100, hidden=32, inter=64, layers=2, heads=4, kv=2, head_dim=None, write_head_dim=False,
         tied=True, dtype="F32", shards=1, rope_theta=1000000.0, rope_scaling=None, qkv_bias=True, o_bias=False,
         qk_norm=False, eps=1e-6, max_pos=32768,
         specials=["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"], bos=1, config_eos=1,
         gen={"bos_token_id": 1, "eos_token_id": [3, 1], "pad_token_id": 1}, eos_ids=[3, 1], want_eos=3,
         want_padded_win=True,
         covers="model_type qwen2, bias on q/k/v only (none on o_proj), tied, padded vocabulary (112 embedding "
                "rows, 100 tokenizer tokens; at some greedy step a padded row has the overall highest logit), "
                "config.json eos 1 but generation_config.json eos [3, 1]; greedy stops on 3, which only "
                "generation_config.json names."),
    dict(name="qwen3-qknorm-headdim", family="llama", model_type="qwen3", arch="Qwen3ForCausalLM", base_seed=5000,
         vocab=104, tok_vocab=104, hidden=32, inter=64, layers=2, heads=4, kv=2, head_dim=16, write_head_dim=True,
         tied=False, dtype="BF16", shards=1, rope_theta=1000000, rope_scaling=None, qkv_bias=False, o_bias=False,
         qk_norm=True, eps=1e-6, max_pos=40960,
         specials=["<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"], bos=1, config_eos=3, gen=None,
         eos_ids=[3], want_eos=None, want_padded_win=False,
         covers="model_type qwen3, per-head q_norm/k_norm (RMSNorm over head_dim, before rotary), head_dim 16 so "
                "heads*head_dim = 64 != hidden 32 (q_proj (64, 32), o_proj (32, 64)), attention_bias false, "
                "untied, BF16 single file, rope_theta 1000000 written as a JSON integer (as Qwen3 ships it)."),
    dict(name="opt-tied", family="opt", model_type="opt", arch="OPTForCausalLM", base_seed=6000,
         vocab=100, tok_vocab=100, hidden=32, ffn=64, layers=2, heads=4, tied=True, dtype="F32", shards=1, max_pos=32,
         specials=["<s>", "<pad>", "</s>", "<unk>"], bos=2, config_eos=2, gen=None, eos_ids=[2], want_eos=None,
         want_padded_win=False,
         covers="OPT pre-LayerNorm decoder (do_layer_norm_before true), learned positions with the offset 2 "
                "(embed_positions has max_position_embeddings + 2 = 34 rows, position p reads row p + 2), biases "
                "everywhere, q scaled by head_dim^-0.5 after its bias, ReLU fc1/fc2, final_layer_norm, tied head "
                "(not saved), F32 single file; prompts start with </s> = 2 as OPT's tokenizer does."),
]


# --------------------------------------------------------------------------------------------------------------
# dtype handling and safetensors
# --------------------------------------------------------------------------------------------------------------
def f32_to_bf16_bits(a):
    """float32 -> bfloat16 bit patterns, round to nearest even (as torch's .to(torch.bfloat16))."""
    u = np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounding = ((u >> 16) & 1) + 0x7FFF
    return ((u + rounding) >> 16).astype(np.uint16)


def bf16_bits_to_f64(b):
    return (np.asarray(b, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def encode(a64, dtype):
    """Return (little-endian bytes, float64 values exactly as stored)."""
    if dtype == "F32":
        s = np.ascontiguousarray(a64, dtype="<f4")
        return s.tobytes(), s.astype(np.float64)
    if dtype == "F16":
        s = np.ascontiguousarray(a64, dtype="<f2")
        return s.tobytes(), s.astype(np.float64)
    if dtype == "BF16":
        bits = f32_to_bf16_bits(np.asarray(a64, dtype=np.float32)).astype("<u2")
        return bits.tobytes(), bf16_bits_to_f64(bits).reshape(np.shape(a64))
    raise ValueError(dtype)


DTYPE_SIZE = {"F32": 4, "F16": 2, "BF16": 2}


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype, shape, bytes) in data order."""
    header = {"__metadata__": {"format": "pt"}}
    off = 0
    for name, dtype, shape, data in tensors:
        assert len(data) == DTYPE_SIZE[dtype] * int(np.prod(shape, dtype=np.int64))
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(data)]}
        off += len(data)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((-len(hb)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for _, _, _, data in tensors:
            f.write(data)


def read_safetensors(path):
    """Independent reader: returns {name: float64 array}; validates the layout strictly."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, "header not padded to 8"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    assert header.pop("__metadata__") == {"format": "pt"}
    data = raw[8 + n:]
    out, spans = {}, []
    for name, info in header.items():
        b, e = info["data_offsets"]
        shape = tuple(info["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        assert e - b == count * DTYPE_SIZE[info["dtype"]], name
        chunk = data[b:e]
        if info["dtype"] == "F32":
            v = np.frombuffer(chunk, dtype="<f4").astype(np.float64)
        elif info["dtype"] == "F16":
            v = np.frombuffer(chunk, dtype="<f2").astype(np.float64)
        else:
            v = bf16_bits_to_f64(np.frombuffer(chunk, dtype="<u2"))
        out[name] = v.reshape(shape)
        spans.append((b, e))
    spans.sort()
    pos = 0
    for b, e in spans:
        assert b == pos, "gap or overlap in data"
        pos = e
    assert pos == len(data), "trailing bytes"
    return out


# --------------------------------------------------------------------------------------------------------------
# tensor names, shapes and random values
# --------------------------------------------------------------------------------------------------------------
def head_dim_of(v):
    return v["head_dim"] if v.get("head_dim") else v["hidden"] // v["heads"]


def tensor_specs(v):
    """(name, shape, kind) in the order of the PyTorch state_dict; kind in matrix/norm/bias."""
    C, L = v["hidden"], v["layers"]
    if v["family"] == "opt":
        F, P = v["ffn"], v["max_pos"] + 2
        out = [("model.decoder.embed_tokens.weight", (v["vocab"], C), "matrix"),
               ("model.decoder.embed_positions.weight", (P, C), "matrix")]
        for l in range(L):
            p = f"model.decoder.layers.{l}."
            for proj in ("k_proj", "v_proj", "q_proj", "out_proj"):
                out += [(p + f"self_attn.{proj}.weight", (C, C), "matrix"), (p + f"self_attn.{proj}.bias", (C,), "bias")]
            out += [(p + "self_attn_layer_norm.weight", (C,), "norm"), (p + "self_attn_layer_norm.bias", (C,), "bias"),
                    (p + "fc1.weight", (F, C), "matrix"), (p + "fc1.bias", (F,), "bias"),
                    (p + "fc2.weight", (C, F), "matrix"), (p + "fc2.bias", (C,), "bias"),
                    (p + "final_layer_norm.weight", (C,), "norm"), (p + "final_layer_norm.bias", (C,), "bias")]
        out += [("model.decoder.final_layer_norm.weight", (C,), "norm"),
                ("model.decoder.final_layer_norm.bias", (C,), "bias")]
        return out
    D, H, K, I = head_dim_of(v), v["heads"], v["kv"], v["inter"]
    out = [("model.embed_tokens.weight", (v["vocab"], C), "matrix")]
    for l in range(L):
        p = f"model.layers.{l}."
        out.append((p + "self_attn.q_proj.weight", (H * D, C), "matrix"))
        if v["qkv_bias"]:
            out.append((p + "self_attn.q_proj.bias", (H * D,), "bias"))
        out.append((p + "self_attn.k_proj.weight", (K * D, C), "matrix"))
        if v["qkv_bias"]:
            out.append((p + "self_attn.k_proj.bias", (K * D,), "bias"))
        out.append((p + "self_attn.v_proj.weight", (K * D, C), "matrix"))
        if v["qkv_bias"]:
            out.append((p + "self_attn.v_proj.bias", (K * D,), "bias"))
        out.append((p + "self_attn.o_proj.weight", (C, H * D), "matrix"))
        if v["o_bias"]:
            out.append((p + "self_attn.o_proj.bias", (C,), "bias"))
        if v["qk_norm"]:
            out += [(p + "self_attn.q_norm.weight", (D,), "norm"), (p + "self_attn.k_norm.weight", (D,), "norm")]
        out += [(p + "mlp.gate_proj.weight", (I, C), "matrix"), (p + "mlp.up_proj.weight", (I, C), "matrix"),
                (p + "mlp.down_proj.weight", (C, I), "matrix"),
                (p + "input_layernorm.weight", (C,), "norm"), (p + "post_attention_layernorm.weight", (C,), "norm")]
    out.append(("model.norm.weight", (C,), "norm"))
    if not v["tied"]:
        out.append(("lm_head.weight", (v["vocab"], C), "matrix"))
    return out


def make_weights(v, seed):
    """Returns (list of (name, dtype, shape, bytes)), {name: float64 stored values}, prompt ids."""
    rng = np.random.default_rng(seed)
    tensors, W = [], {}
    for name, shape, kind in tensor_specs(v):
        z = rng.standard_normal(shape)
        a = 0.25 * z if kind == "matrix" else (1.0 + 0.1 * z if kind == "norm" else 0.05 * z)
        data, stored = encode(a, v["dtype"])
        tensors.append((name, v["dtype"], shape, data))
        W[name] = stored
    first_word = len(v["specials"])
    ids = [v["bos"]] + [int(t) for t in rng.integers(first_word, v["tok_vocab"], PROMPT_LEN - 1)]
    return tensors, W, ids


# --------------------------------------------------------------------------------------------------------------
# float64 forward passes
# --------------------------------------------------------------------------------------------------------------
def rms_norm(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def default_inv_freq(theta, d):
    return float(theta) ** (-(np.arange(0, d, 2, dtype=np.float64) / d))


def llama3_inv_freq(inv_freq, rs, branch_override=None):
    factor = rs["factor"]
    low, high = rs["low_freq_factor"], rs["high_freq_factor"]
    old = rs["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv_freq
    inv_l = np.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
    medium = ~(wavelen < high_wavelen) & ~(wavelen > low_wavelen)
    if branch_override == "medium_as_high":
        return inv_l
    if branch_override == "medium_as_low":
        return np.where(medium, inv_freq / factor, inv_l)
    return np.where(medium, smoothed, inv_l)


def llama3_branches(inv_freq, rs):
    old = rs["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / rs["low_freq_factor"], old / rs["high_freq_factor"]
    out = []
    for f in inv_freq:
        wl = 2 * math.pi / f
        out.append("low" if wl > low_wavelen else ("high" if wl < high_wavelen else "medium"))
    return out


def rope_inv_freq(v, mut=frozenset()):
    inv = default_inv_freq(v["rope_theta"], head_dim_of(v))
    rs = v["rope_scaling"]
    if rs is not None and "ignore_rope_scaling" not in mut:
        override = "medium_as_high" if "medium_as_high" in mut else ("medium_as_low" if "medium_as_low" in mut else None)
        inv = llama3_inv_freq(inv, rs, override)
    return inv


def rotate_half(x):
    d = x.shape[-1] // 2
    return np.concatenate([-x[..., d:], x[..., :d]], axis=-1)


def apply_rope(x, pos, inv, interleaved=False):
    """x: (T, heads, d); Hugging Face rotate-half layout (interleaved=True is the GPT-J mistake, for mutation)."""
    ang = pos[:, None] * inv[None, :]                                   # (T, d/2)
    if interleaved:
        c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
        a, b = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2] = a * c - b * s
        out[..., 1::2] = b * c + a * s
        return out
    cos = np.concatenate([np.cos(ang), np.cos(ang)], -1)[:, None, :]
    sin = np.concatenate([np.sin(ang), np.sin(ang)], -1)[:, None, :]
    return x * cos + rotate_half(x) * sin


def causal_attention(q, k, v, kv_of_head):
    """q: (T, H, d), k/v: (T, K, d). Returns (T, H*d)."""
    T, H, d = q.shape
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    out = np.empty((T, H, d))
    for h in range(H):
        j = kv_of_head(h)
        s = q[:, h, :] @ k[:, j, :].T / math.sqrt(d)
        s[mask] = -np.inf
        s -= s.max(-1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(-1, keepdims=True)
        out[:, h, :] = p @ v[:, j, :]
    return out.reshape(T, H * d)


def silu(x):
    return x / (1.0 + np.exp(-x))


def llama_forward(v, W, ids, mut=frozenset(), pos_offset=0, inv_override=None):
    """Logits (T, vocab_size) for the llama / mistral / qwen2 / qwen3 families."""
    ids = np.asarray(ids)
    T, C, H, K = len(ids), v["hidden"], v["heads"], v["kv"]
    D, eps, r = head_dim_of(v), v["eps"], H // K
    inv = rope_inv_freq(v, mut) if inv_override is None else inv_override
    pos = np.arange(T, dtype=np.float64) + pos_offset
    kv_of_head = (lambda h: h % K) if "gqa_modulo" in mut else (lambda h: h // r)
    x = W["model.embed_tokens.weight"][ids]
    for l in range(v["layers"]):
        p = f"model.layers.{l}."

        def lin(name, inp, bias_ok=True):
            y = inp @ W[p + name + ".weight"].T
            b = W.get(p + name + ".bias")
            return y + b if (b is not None and bias_ok) else y
        n = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = lin("self_attn.q_proj", n).reshape(T, H, D)
        k = lin("self_attn.k_proj", n).reshape(T, K, D)
        val = lin("self_attn.v_proj", n).reshape(T, K, D)
        if v["qk_norm"] and "qk_norm_after_rope" not in mut and "no_qk_norm" not in mut:
            q = rms_norm(q, W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, W[p + "self_attn.k_norm.weight"], eps)
        q = apply_rope(q, pos, inv, "interleaved_rope" in mut)
        k = apply_rope(k, pos, inv, "interleaved_rope" in mut)
        if v["qk_norm"] and "qk_norm_after_rope" in mut:
            q = rms_norm(q, W[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, W[p + "self_attn.k_norm.weight"], eps)
        a = causal_attention(q, k, val, kv_of_head)
        h = x + lin("self_attn.o_proj", a, "no_o_bias" not in mut)
        n2 = rms_norm(h, W[p + "post_attention_layernorm.weight"], eps)
        x = h + lin("mlp.down_proj", silu(lin("mlp.gate_proj", n2)) * lin("mlp.up_proj", n2))
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if v["tied"] or "tie_head" in mut else W["lm_head.weight"]
    return x @ head.T


def opt_forward(v, W, ids, mut=frozenset()):
    ids = np.asarray(ids)
    T, C, H = len(ids), v["hidden"], v["heads"]
    D = C // H
    off = 0 if "opt_pos_offset0" in mut else 2
    x = W["model.decoder.embed_tokens.weight"][ids] + W["model.decoder.embed_positions.weight"][np.arange(T) + off]
    for l in range(v["layers"]):
        p = f"model.decoder.layers.{l}."

        def lin(name, inp):
            return inp @ W[p + name + ".weight"].T + W[p + name + ".bias"]
        n = layer_norm(x, W[p + "self_attn_layer_norm.weight"], W[p + "self_attn_layer_norm.bias"])
        if "opt_scale_before_bias" in mut:
            q = (n @ W[p + "self_attn.q_proj.weight"].T) * D ** -0.5 + W[p + "self_attn.q_proj.bias"]
        else:
            q = lin("self_attn.q_proj", n) * D ** -0.5
        k = lin("self_attn.k_proj", n)
        val = lin("self_attn.v_proj", n)
        # q is already scaled, so undo causal_attention's 1/sqrt(d) by pre-multiplying by sqrt(d)
        a = causal_attention(q.reshape(T, H, D) * math.sqrt(D), k.reshape(T, H, D), val.reshape(T, H, D), lambda h: h)
        h = x + lin("self_attn.out_proj", a)
        n2 = layer_norm(h, W[p + "final_layer_norm.weight"], W[p + "final_layer_norm.bias"])
        x = h + lin("fc2", np.maximum(lin("fc1", n2), 0.0))
    x = layer_norm(x, W["model.decoder.final_layer_norm.weight"], W["model.decoder.final_layer_norm.bias"])
    return x @ W["model.decoder.embed_tokens.weight"].T


def forward(v, W, ids, mut=frozenset()):
    return opt_forward(v, W, ids, mut) if v["family"] == "opt" else llama_forward(v, W, ids, mut)


def log_softmax(z):
    m = z.max(-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))


def token_logprobs(v, logits, ids):
    lp = log_softmax(logits[:, :v["tok_vocab"]])
    return [float(lp[t - 1, ids[t]]) for t in range(1, len(ids))]


def greedy(v, W, prompt, mut=frozenset()):
    """Returns (generated ids, min gap, whether a padded row ever had the overall max)."""
    seq, gen, min_gap, padded_win = list(prompt), [], float("inf"), False
    tv = v["tok_vocab"]
    for _ in range(GREEDY_STEPS):
        z = forward(v, W, seq, mut)[-1]
        if z.argmax() >= tv:
            padded_win = True
        zz = z[:tv]
        top2 = np.sort(zz)[-2:]
        min_gap = min(min_gap, float(top2[1] - top2[0]))
        nxt = int(zz.argmax())
        seq.append(nxt)
        gen.append(nxt)
        if nxt in v["eos_ids"]:
            break
    return gen, min_gap, padded_win


def acceptable(v, W, ids):
    gen, gap, padded_win = greedy(v, W, ids[:GREEDY_PROMPT])
    if gap < GAP_MIN:
        return None
    if v["want_eos"] is None:
        if len(gen) != GREEDY_STEPS or any(t in v["eos_ids"] for t in gen) or len(set(gen)) < 3:
            return None
    else:
        if gen[-1] != v["want_eos"] or len(gen) < 3 or len(set(gen)) < 3:
            return None
    if v["want_padded_win"] and not padded_win:
        return None
    body = gen[:-1] if v["want_eos"] is not None else gen
    if any(t < len(v["specials"]) for t in body) or len(set(body)) < min(len(body), 4):
        return None     # no special ids other than the final eos, and not a degenerate repetition
    return gen, gap, padded_win


# --------------------------------------------------------------------------------------------------------------
# independent checks
# --------------------------------------------------------------------------------------------------------------
def naive_llama_forward(v, W, ids):
    """Loop-based second implementation: explicit pairs (i, i + d/2) rotated as complex numbers, explicit
    repeat_interleave of K/V heads, per-query softmax. Shares no helper with llama_forward."""
    T, C, H, K = len(ids), v["hidden"], v["heads"], v["kv"]
    D = head_dim_of(v)
    eps = v["eps"]
    inv = [float(v["rope_theta"]) ** (-2.0 * i / D) for i in range(D // 2)]
    rs = v["rope_scaling"]
    if rs:      # llama3, written per frequency from the three documented cases
        assert rs.get("rope_type", rs.get("type")) == "llama3"
        old, fac = rs["original_max_position_embeddings"], rs["factor"]
        lo, hi = rs["low_freq_factor"], rs["high_freq_factor"]
        for i, f in enumerate(inv):
            wl = 2 * math.pi / f
            if wl < old / hi:
                pass                                        # high frequency: unchanged
            elif wl > old / lo:
                inv[i] = f / fac                            # low frequency: divided by factor
            else:
                sm = (old / wl - lo) / (hi - lo)            # medium: interpolate
                inv[i] = (1 - sm) * f / fac + sm * f

    def rms(vec, w):
        return [vec[i] / math.sqrt(sum(t * t for t in vec) / len(vec) + eps) * w[i] for i in range(len(vec))]

    def matvec(M, vec, b=None):
        y = [sum(M[o, i] * vec[i] for i in range(M.shape[1])) for o in range(M.shape[0])]
        return [y[o] + b[o] for o in range(len(y))] if b is not None else y

    def rot(vec, t):
        out = list(vec)
        for i in range(D // 2):
            z = complex(vec[i], vec[i + D // 2]) * complex(math.cos(t * inv[i]), math.sin(t * inv[i]))
            out[i], out[i + D // 2] = z.real, z.imag
        return out

    xs = [list(W["model.embed_tokens.weight"][i]) for i in ids]
    for l in range(v["layers"]):
        p = f"model.layers.{l}."
        g = lambda n: W.get(p + n)
        qs, ks, vs = [], [], []
        for t in range(T):
            n = rms(xs[t], g("input_layernorm.weight"))
            q = matvec(g("self_attn.q_proj.weight"), n, g("self_attn.q_proj.bias"))
            k = matvec(g("self_attn.k_proj.weight"), n, g("self_attn.k_proj.bias"))
            vv = matvec(g("self_attn.v_proj.weight"), n, g("self_attn.v_proj.bias"))
            qh = [q[h * D:(h + 1) * D] for h in range(H)]
            kh = [k[j * D:(j + 1) * D] for j in range(K)]
            vh = [vv[j * D:(j + 1) * D] for j in range(K)]
            if v["qk_norm"]:
                qh = [rms(a, g("self_attn.q_norm.weight")) for a in qh]
                kh = [rms(a, g("self_attn.k_norm.weight")) for a in kh]
            qs.append([rot(a, t) for a in qh])
            ks.append([rot(a, t) for j, a in enumerate(kh) for _ in range(H // K)])   # repeat_interleave
            vs.append([a for a in vh for _ in range(H // K)])
        new = []
        for t in range(T):
            att = []
            for h in range(H):
                sc = [sum(qs[t][h][i] * ks[u][h][i] for i in range(D)) / math.sqrt(D) for u in range(t + 1)]
                m = max(sc)
                e = [math.exp(s - m) for s in sc]
                z = sum(e)
                att += [sum(e[u] / z * vs[u][h][i] for u in range(t + 1)) for i in range(D)]
            o = matvec(g("self_attn.o_proj.weight"), att, g("self_attn.o_proj.bias"))
            hvec = [xs[t][i] + o[i] for i in range(C)]
            n2 = rms(hvec, g("post_attention_layernorm.weight"))
            gate = matvec(g("mlp.gate_proj.weight"), n2)
            up = matvec(g("mlp.up_proj.weight"), n2)
            act = [gg / (1 + math.exp(-gg)) * uu for gg, uu in zip(gate, up)]
            dn = matvec(g("mlp.down_proj.weight"), act)
            new.append([hvec[i] + dn[i] for i in range(C)])
        xs = new
    head = W["model.embed_tokens.weight"] if v["tied"] else W["lm_head.weight"]
    return np.array([matvec(head, rms(x, W["model.norm.weight"])) for x in xs])


def gqa_as_mha(v, W):
    """The same model written as plain multi-head attention: K/V projection rows repeat_interleaved per head."""
    v2, W2 = dict(v), dict(W)
    v2["kv"] = v["heads"]
    r, D = v["heads"] // v["kv"], head_dim_of(v)
    for l in range(v["layers"]):
        for proj in ("k_proj", "v_proj"):
            for suf in ("weight", "bias"):
                name = f"model.layers.{l}.self_attn.{proj}.{suf}"
                if name in W:
                    a = W[name]
                    blocks = [a[j * D:(j + 1) * D] for j in range(v["kv"])]
                    W2[name] = np.concatenate([b for b in blocks for _ in range(r)], axis=0)
    return v2, W2


def plain_mha_no_rope(v, W, ids):
    """softmax(Q K^T / sqrt(d) + causal) V in one batched formula, no rotary: for comparison with
    llama_forward(inv_override = zeros) on an MHA (kv == heads) model."""
    T, H, D, eps = len(ids), v["heads"], head_dim_of(v), v["eps"]
    x = W["model.embed_tokens.weight"][ids]
    for l in range(v["layers"]):
        p = f"model.layers.{l}."
        n = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        def proj(name):
            y = n @ W[p + name + ".weight"].T
            return y + W[p + name + ".bias"] if p + name + ".bias" in W else y
        Q = proj("self_attn.q_proj").reshape(T, H, D).transpose(1, 0, 2)
        Kt = proj("self_attn.k_proj").reshape(T, H, D).transpose(1, 2, 0)
        V = proj("self_attn.v_proj").reshape(T, H, D).transpose(1, 0, 2)
        if v["qk_norm"]:
            Q = rms_norm(Q, W[p + "self_attn.q_norm.weight"], eps)
            Kt = rms_norm(Kt.transpose(0, 2, 1), W[p + "self_attn.k_norm.weight"], eps).transpose(0, 2, 1)
        S = Q @ Kt / math.sqrt(D) + np.triu(np.full((T, T), -np.inf), 1)
        P = np.exp(S - S.max(-1, keepdims=True))
        P /= P.sum(-1, keepdims=True)
        A = (P @ V).transpose(1, 0, 2).reshape(T, H * D)
        o = A @ W[p + "self_attn.o_proj.weight"].T
        if p + "self_attn.o_proj.bias" in W:
            o = o + W[p + "self_attn.o_proj.bias"]
        h = x + o
        n2 = rms_norm(h, W[p + "post_attention_layernorm.weight"], eps)
        g = n2 @ W[p + "mlp.gate_proj.weight"].T
        x = h + (g * (1 / (1 + np.exp(-g))) * (n2 @ W[p + "mlp.up_proj.weight"].T)) @ W[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, W["model.norm.weight"], eps)
    return x @ (W["model.embed_tokens.weight"] if v["tied"] else W["lm_head.weight"]).T


def naive_opt_forward(v, W, ids):
    """OPT with explicit per-position loops (checks the batched opt_forward)."""
    T, C, H = len(ids), v["hidden"], v["heads"]
    D = C // H
    g = lambda n: W[n]

    def ln(vec, w, b):
        mu = sum(vec) / len(vec)
        var = sum((t - mu) ** 2 for t in vec) / len(vec)
        return [(vec[i] - mu) / math.sqrt(var + 1e-5) * w[i] + b[i] for i in range(len(vec))]

    def lin(name, vec):
        M, b = g(name + ".weight"), g(name + ".bias")
        return [sum(M[o, i] * vec[i] for i in range(M.shape[1])) + b[o] for o in range(M.shape[0])]

    xs = [[g("model.decoder.embed_tokens.weight")[ids[t], i] + g("model.decoder.embed_positions.weight")[t + 2, i]
           for i in range(C)] for t in range(T)]
    for l in range(v["layers"]):
        p = f"model.decoder.layers.{l}."
        ns = [ln(x, g(p + "self_attn_layer_norm.weight"), g(p + "self_attn_layer_norm.bias")) for x in xs]
        qs = [[a / math.sqrt(D) for a in lin(p + "self_attn.q_proj", n)] for n in ns]
        ks = [lin(p + "self_attn.k_proj", n) for n in ns]
        vs = [lin(p + "self_attn.v_proj", n) for n in ns]
        new = []
        for t in range(T):
            att = []
            for h in range(H):
                sl = slice(h * D, (h + 1) * D)
                sc = [sum(a * b for a, b in zip(qs[t][sl], ks[u][sl])) for u in range(t + 1)]
                m = max(sc)
                e = [math.exp(s - m) for s in sc]
                z = sum(e)
                att += [sum(e[u] / z * vs[u][sl][i] for u in range(t + 1)) for i in range(D)]
            o = lin(p + "self_attn.out_proj", att)
            hv = [xs[t][i] + o[i] for i in range(C)]
            f = [max(a, 0.0) for a in lin(p + "fc1", ln(hv, g(p + "final_layer_norm.weight"), g(p + "final_layer_norm.bias")))]
            f2 = lin(p + "fc2", f)
            new.append([hv[i] + f2[i] for i in range(C)])
        xs = new
    E = g("model.decoder.embed_tokens.weight")
    return np.array([[float(np.dot(E[j], ln(x, g("model.decoder.final_layer_norm.weight"),
                                           g("model.decoder.final_layer_norm.bias")))) for j in range(E.shape[0])]
                     for x in xs])


def check_variant(v, W, ids, ref):
    """Runs the sanity checks; returns a list of human-readable findings (raises on a failure)."""
    notes = []
    logits = forward(v, W, ids)
    # 1. second, loop-based implementation
    naive = naive_opt_forward(v, W, ids) if v["family"] == "opt" else naive_llama_forward(v, W, ids)
    d = float(np.abs(naive - logits).max())
    assert d < 1e-9, (v["name"], "naive", d)
    notes.append(f"loop implementation agrees to {d:.1e}")
    # 2. causality: changing ids[6] leaves logits at positions < 6 unchanged
    ids2 = list(ids)
    ids2[6] = len(v["specials"]) + (ids[6] - len(v["specials"]) + 7) % (v["tok_vocab"] - len(v["specials"]))
    assert ids2[6] != ids[6]
    l2 = forward(v, W, ids2)
    d_before = float(np.abs(l2[:6] - logits[:6]).max())
    d_after = float(np.abs(l2[6:] - logits[6:]).max())
    assert d_before < 1e-12 and d_after > 1e-3, (v["name"], "causality", d_before, d_after)
    lp2 = token_logprobs(v, l2, ids2)
    assert np.allclose(lp2[:5], ref["token_logprobs"][:5], rtol=0, atol=1e-12)
    notes.append("causal (ids[6] changed: positions <6 identical)")
    if v["family"] == "llama":
        # 3. RoPE is relative: shifting every position by 5 changes nothing
        sh = llama_forward(v, W, ids, pos_offset=5)
        ds = float(np.abs(sh - logits).max())
        assert ds < 1e-9, (v["name"], "rope shift", ds)
        # 4. GQA == MHA with repeat_interleaved K/V heads
        if v["kv"] != v["heads"]:
            v2, W2 = gqa_as_mha(v, W)
            dg = float(np.abs(llama_forward(v2, W2, ids) - logits).max())
            assert dg < 1e-9, (v["name"], "gqa", dg)
        else:
            v2, W2 = v, W
        # 5. with rotary switched off (all angles 0; a huge theta would still rotate frequency 0, inv_freq[0] = 1)
        #    the attention path is the plain batched formula
        zero = np.zeros(head_dim_of(v) // 2)
        dp = float(np.abs(llama_forward(v2, W2, ids, inv_override=zero) - plain_mha_no_rope(v2, W2, ids)).max())
        assert dp < 1e-9, (v["name"], "plain", dp)
        notes.append("rope relative (shift 5), GQA == repeat_interleaved MHA, no-rope == plain formula")
    return notes


def sensitivity(v, W, ids, ref):
    """max |delta token_logprob| (over prompt) and whether greedy changes, for common implementation mistakes."""
    muts = []
    if v["family"] == "opt":
        muts = ["opt_pos_offset0", "opt_scale_before_bias"]
    else:
        muts = ["interleaved_rope"]
        if v["kv"] != v["heads"] and v["kv"] != 1:
            muts.append("gqa_modulo")
        if v["rope_scaling"]:
            muts += ["ignore_rope_scaling", "medium_as_high", "medium_as_low"]
        if v["qk_norm"]:
            muts += ["qk_norm_after_rope", "no_qk_norm"]
        if v["o_bias"]:
            muts.append("no_o_bias")
        if not v["tied"]:
            muts.append("tie_head")
    out = []
    for m in muts:
        lp = token_logprobs(v, forward(v, W, ids, frozenset([m])), ids)
        dl = float(np.abs(np.array(lp) - np.array(ref["token_logprobs"])).max())
        g, _, _ = greedy(v, W, ids[:GREEDY_PROMPT], frozenset([m]))
        out.append(f"{m}: max|d logprob| {dl:.3g}{', greedy differs' if g != ref['greedy'] else ''}")
        assert dl > 1e-3, (v["name"], m, dl)
    if v["tok_vocab"] < v["vocab"]:
        lz = forward(v, W, ids)
        full = log_softmax(lz)
        lpf = [float(full[t - 1, ids[t]]) for t in range(1, len(ids))]
        dl = float(np.abs(np.array(lpf) - np.array(ref["token_logprobs"])).max())
        out.append(f"softmax over all {v['vocab']} rows: max|d logprob| {dl:.3g}")
    return out


# --------------------------------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------------------------------
def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def config_json(v):
    if v["family"] == "opt":
        return {
            "_remove_final_layer_norm": False, "activation_dropout": 0.0, "activation_function": "relu",
            "architectures": [v["arch"]], "attention_dropout": 0.0, "bos_token_id": v["bos"],
            "do_layer_norm_before": True, "dropout": 0.1, "enable_bias": True, "eos_token_id": v["config_eos"],
            "ffn_dim": v["ffn"], "hidden_size": v["hidden"], "init_std": 0.02, "layer_norm_elementwise_affine": True,
            "layerdrop": 0.0, "max_position_embeddings": v["max_pos"], "model_type": "opt",
            "num_attention_heads": v["heads"], "num_hidden_layers": v["layers"], "pad_token_id": 1,
            "prefix": "</s>", "tie_word_embeddings": True, "torch_dtype": "float32",
            "transformers_version": TRANSFORMERS_VERSION, "use_cache": True, "vocab_size": v["vocab"],
            "word_embed_proj_dim": v["hidden"]}
    torch_dtype = {"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[v["dtype"]]
    c = {"architectures": [v["arch"]], "attention_dropout": 0.0, "bos_token_id": v["bos"],
         "eos_token_id": v["config_eos"], "hidden_act": "silu", "hidden_size": v["hidden"], "initializer_range": 0.02,
         "intermediate_size": v["inter"], "max_position_embeddings": v["max_pos"], "model_type": v["model_type"],
         "num_attention_heads": v["heads"], "num_hidden_layers": v["layers"], "num_key_value_heads": v["kv"],
         "rms_norm_eps": v["eps"], "rope_theta": v["rope_theta"], "tie_word_embeddings": v["tied"],
         "torch_dtype": torch_dtype, "transformers_version": TRANSFORMERS_VERSION, "use_cache": True,
         "vocab_size": v["vocab"]}
    if v["write_head_dim"]:
        c["head_dim"] = head_dim_of(v)
    mt = v["model_type"]
    if mt == "llama":
        c.update({"attention_bias": v["qkv_bias"], "mlp_bias": False, "pretraining_tp": 1,
                  "rope_scaling": v["rope_scaling"]})
    elif mt == "mistral":
        c.update({"sliding_window": v["sliding_window"]})
    elif mt == "qwen2":
        c.update({"max_window_layers": v["layers"], "rope_scaling": None, "sliding_window": v["max_pos"],
                  "use_sliding_window": False})
    elif mt == "qwen3":
        c.update({"attention_bias": False, "max_window_layers": v["layers"], "rope_scaling": None,
                  "sliding_window": None, "use_sliding_window": False})
    return c


def tokenizer_json(v):
    """A valid Hugging Face tokenizers file: WordLevel over exactly tok_vocab entries; id i is specials[i] for
    the special tokens and the word "w<i>" otherwise; Whitespace pre-tokenizer; specials are added tokens."""
    specials = v["specials"]
    vocab = {}
    for i in range(v["tok_vocab"]):
        vocab[specials[i] if i < len(specials) else f"w{i}"] = i
    assert len(vocab) == v["tok_vocab"]
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for i, s in enumerate(specials)]
    return {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
            "pre_tokenizer": {"type": "Whitespace"}, "post_processor": None, "decoder": None,
            "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"}}


def write_weights(v, out_dir, tensors):
    """Writes model.safetensors or N shards + index; returns the list of file names written."""
    for f in os.listdir(out_dir):
        if f.endswith(".safetensors") or f == "model.safetensors.index.json":
            os.remove(os.path.join(out_dir, f))
    n = v["shards"]
    if n == 1:
        write_safetensors(os.path.join(out_dir, "model.safetensors"), tensors)
        return ["model.safetensors"]
    total = sum(len(t[3]) for t in tensors)
    budget = total / n
    groups, acc = [[]], 0
    for t in tensors:
        if acc >= budget * len(groups) and len(groups) < n:
            groups.append([])
        groups[-1].append(t)
        acc += len(t[3])
    assert len(groups) == n and all(groups)
    names, weight_map = [], {}
    for i, g in enumerate(groups):
        fn = f"model-{i + 1:05d}-of-{n:05d}.safetensors"
        write_safetensors(os.path.join(out_dir, fn), g)
        names.append(fn)
        for t in g:
            weight_map[t[0]] = fn
    dump_json(os.path.join(out_dir, "model.safetensors.index.json"),
              {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})
    return names + ["model.safetensors.index.json"]


def read_back(v, out_dir):
    if v["shards"] == 1:
        return read_safetensors(os.path.join(out_dir, "model.safetensors"))
    with open(os.path.join(out_dir, "model.safetensors.index.json")) as f:
        idx = json.load(f)
    W = {}
    for fn in sorted(set(idx["weight_map"].values())):
        part = read_safetensors(os.path.join(out_dir, fn))
        for k in part:
            assert idx["weight_map"][k] == fn and k not in W
        W.update(part)
    assert set(W) == set(idx["weight_map"])
    assert idx["metadata"]["total_size"] == sum(a.size * DTYPE_SIZE[v["dtype"]] for a in W.values())
    return W


def write_reference(path, ref):
    keys = ["ids", "token_logprobs", "last_logits", "greedy_prompt", "greedy", "eos_ids", "tokenizer_vocab"]
    body = ",\n".join(f"  {json.dumps(k)}: {json.dumps(ref[k])}" for k in keys)
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + body + "\n}\n")


def build(v):
    out_dir = os.path.join(HERE, v["name"])
    os.makedirs(out_dir, exist_ok=True)
    for seed in range(v["base_seed"], v["base_seed"] + MAX_SEED_TRIES):
        tensors, W, ids = make_weights(v, seed)
        res = acceptable(v, W, ids)
        if res is not None:
            break
    else:
        raise RuntimeError(f"no seed found for {v['name']}")
    gen, gap, padded_win = res
    files = write_weights(v, out_dir, tensors)
    R = read_back(v, out_dir)
    assert set(R) == set(W) and all(np.array_equal(R[k], W[k]) for k in W), "safetensors round trip"
    W = R   # everything below uses the values parsed back from disk
    dump_json(os.path.join(out_dir, "config.json"), config_json(v))
    files.append("config.json")
    if v["gen"] is not None:
        dump_json(os.path.join(out_dir, "generation_config.json"),
                  dict(v["gen"], transformers_version=TRANSFORMERS_VERSION))
        files.append("generation_config.json")
    tok = os.path.join(out_dir, "tokenizer.json")
    if v["family"] == "llama":
        dump_json(tok, tokenizer_json(v))
        files.append("tokenizer.json")
    elif os.path.exists(tok):
        os.remove(tok)
    logits = forward(v, W, ids)
    ref = {"ids": ids, "token_logprobs": token_logprobs(v, logits, ids),
           "last_logits": [float(z) for z in logits[-1]], "greedy_prompt": ids[:GREEDY_PROMPT],
           "greedy": gen, "eos_ids": v["eos_ids"], "tokenizer_vocab": v["tok_vocab"]}
    assert len(ref["last_logits"]) == v["vocab"] and len(ref["token_logprobs"]) == PROMPT_LEN - 1
    g2, gap2, _ = greedy(v, W, ids[:GREEDY_PROMPT])
    assert g2 == gen and gap2 == gap
    write_reference(os.path.join(out_dir, "reference.json"), ref)
    files.append("reference.json")
    info = {"seed": seed, "gap": gap, "padded_win": padded_win, "files": files,
            "checks": check_variant(v, W, ids, ref), "sensitivity": sensitivity(v, W, ids, ref),
            "n_params": int(sum(a.size for a in W.values())), "ref": ref}
    if v["family"] == "llama" and v["rope_scaling"]:
        inv0 = default_inv_freq(v["rope_theta"], head_dim_of(v))
        inv1 = llama3_inv_freq(inv0, v["rope_scaling"])
        info["rope"] = list(zip(llama3_branches(inv0, v["rope_scaling"]), inv0.tolist(), inv1.tolist()))
        assert {b for b, _, _ in info["rope"]} == {"low", "medium", "high"}
    return info


def verify_from_disk(name):
    """Re-derives everything from the files alone, the way a loader would (config.json, generation_config.json,
    tokenizer.json, index / safetensors), and recomputes reference.json with the loop implementations."""
    d = os.path.join(HERE, name)
    load = lambda f: json.load(open(os.path.join(d, f), encoding="utf-8"))
    cfg, ref = load("config.json"), load("reference.json")
    gen = load("generation_config.json") if os.path.exists(os.path.join(d, "generation_config.json")) else {}
    eos = gen.get("eos_token_id", cfg["eos_token_id"])
    eos = eos if isinstance(eos, list) else [eos]
    assert eos == ref["eos_ids"], (name, eos)
    tok_vocab = cfg["vocab_size"]
    if os.path.exists(os.path.join(d, "tokenizer.json")):
        tok = load("tokenizer.json")
        tok_vocab = len(tok["model"]["vocab"])
        assert sorted(tok["model"]["vocab"].values()) == list(range(tok_vocab))
    assert tok_vocab == ref["tokenizer_vocab"]
    mt = cfg["model_type"]
    if os.path.exists(os.path.join(d, "model.safetensors.index.json")):
        idx = load("model.safetensors.index.json")
        W = {}
        for fn in sorted(set(idx["weight_map"].values())):
            W.update(read_safetensors(os.path.join(d, fn)))
        assert set(W) == set(idx["weight_map"])
    else:
        W = read_safetensors(os.path.join(d, "model.safetensors"))
    if mt == "opt":
        v = dict(family="opt", hidden=cfg["hidden_size"], heads=cfg["num_attention_heads"], ffn=cfg["ffn_dim"],
                 layers=cfg["num_hidden_layers"], max_pos=cfg["max_position_embeddings"], vocab=cfg["vocab_size"],
                 tied=cfg.get("tie_word_embeddings", True))
        assert cfg["do_layer_norm_before"] and cfg["word_embed_proj_dim"] == cfg["hidden_size"]
        assert cfg["activation_function"] == "relu" and cfg["enable_bias"]
        fwd = naive_opt_forward
    else:
        v = dict(family="llama", hidden=cfg["hidden_size"], heads=cfg["num_attention_heads"],
                 kv=cfg.get("num_key_value_heads") or cfg["num_attention_heads"], head_dim=cfg.get("head_dim"),
                 inter=cfg["intermediate_size"], layers=cfg["num_hidden_layers"], vocab=cfg["vocab_size"],
                 eps=cfg["rms_norm_eps"], rope_theta=cfg["rope_theta"], rope_scaling=cfg.get("rope_scaling"),
                 tied=cfg["tie_word_embeddings"], qk_norm=(mt == "qwen3"),
                 qkv_bias=(mt == "qwen2") or bool(cfg.get("attention_bias")),
                 o_bias=(mt == "llama" and bool(cfg.get("attention_bias"))))
        assert cfg["hidden_act"] == "silu" and not cfg.get("mlp_bias")
        fwd = naive_llama_forward
    assert set(W) == {n for n, _, _ in tensor_specs(v)}, name
    assert all(W[n].shape == s for n, s, _ in tensor_specs(v))
    v["tok_vocab"], v["eos_ids"] = tok_vocab, eos
    ids = ref["ids"]
    logits = fwd(v, W, ids)
    assert np.abs(np.array(token_logprobs(v, logits, ids)) - ref["token_logprobs"]).max() < 1e-9
    assert np.abs(logits[-1] - ref["last_logits"]).max() < 1e-9
    seq, out = list(ref["greedy_prompt"]), []
    for _ in range(GREEDY_STEPS):
        nxt = int(fwd(v, W, seq)[-1][:tok_vocab].argmax())
        seq.append(nxt)
        out.append(nxt)
        if nxt in eos:
            break
    assert out == ref["greedy"], (name, out, ref["greedy"])
    return "re-derived from the files alone (config-driven loop implementation) and matches"


def dims(v):
    if v["family"] == "opt":
        return (f"vocab {v['vocab']}, hidden {v['hidden']}, heads {v['heads']} (head_dim {v['hidden'] // v['heads']}), "
                f"ffn_dim {v['ffn']}, layers {v['layers']}, max_position_embeddings {v['max_pos']}")
    tv = f" (tokenizer {v['tok_vocab']})" if v["tok_vocab"] != v["vocab"] else ""
    return (f"vocab {v['vocab']}{tv}, hidden {v['hidden']}, heads {v['heads']}, kv heads {v['kv']}, "
            f"head_dim {head_dim_of(v)}, intermediate {v['inter']}, layers {v['layers']}, "
            f"rms_norm_eps {v['eps']}, rope_theta {v['rope_theta']}")


def write_readme(infos):
    L = ["# Tiny Hugging Face model-family fixtures",
         "",
         "Generated by `make_families.py` (numpy + stdlib only, deterministic). Regenerate with",
         "",
         "    cd distill-core/src/test/resources/families && /usr/bin/python3 make_families.py",
         "",
         "Each directory is a random tiny checkpoint in Hugging Face's on-disk layout (config.json as transformers "
         f"{TRANSFORMERS_VERSION} writes it for the model_type, safetensors weights with the exact Hugging Face tensor "
         "names, linear weights (out, in)) plus `reference.json`, computed by an independent float64 numpy "
         "implementation from the weights exactly as stored (BF16/F16 decoded back to float64).",
         "",
         "Weights: matrices N(0, 0.25^2), norm weights 1 + 0.1 N(0,1), biases 0.05 N(0,1), drawn from "
         "`numpy.random.default_rng(seed)` in state_dict order; the prompt ids follow from the same generator "
         "(ids[0] is the bos id). The seed is the first from the variant's base seed for which every greedy step "
         f"has best - second-best logit >= {GAP_MIN} (over the first tokenizer_vocab logits) and the variant's "
         "eos / padding conditions hold.",
         "",
         "## reference.json",
         "",
         "- `ids`: 12 prompt ids.",
         "- `token_logprobs`: 11 values, log p(ids[t] | ids[<t]) for t = 1..11, log-softmax over the first "
         "`tokenizer_vocab` logits only (padded rows get no probability mass).",
         "- `last_logits`: all `vocab_size` (config) logits at the last prompt position, padded rows included.",
         "- `greedy_prompt` = ids[:5]; `greedy`: up to 8 ids, argmax over the first `tokenizer_vocab` logits, full "
         "recomputation each step, stopping after the first id in `eos_ids` (included).",
         "- `eos_ids`: the ids that stop generation (generation_config.json's eos_token_id when it exists, else "
         "config.json's).",
         "- `tokenizer_vocab`: the tokenizer's vocabulary size (= vocab_size except in qwen2-padded-bias).",
         "",
         "## Semantics (Hugging Face transformers)",
         "",
         "- Llama family (llama, mistral, qwen2, qwen3): pre-RMSNorm blocks, x / sqrt(mean(x^2) + eps) * w; "
         "rotate-half RoPE (pairs (i, i + d/2), inv_freq[i] = theta^(-2i/d)); KV head j serves query heads "
         "j*r .. j*r+r-1 (repeat_interleave), r = heads / kv_heads; scores / sqrt(head_dim); causal softmax; "
         "SwiGLU MLP down(silu(gate(n)) * up(n)); final model.norm; logits = x W_head^T (embed_tokens when tied). "
         "qwen3: q_norm / k_norm RMSNorm (same eps) over head_dim per head, before RoPE. llama attention_bias: "
         "q, k, v and o biases; qwen2: q, k, v biases only.",
         "- OPT: x = embed_tokens[ids] + embed_positions[pos + 2]; pre-LayerNorm (eps 1e-5) attention with "
         "q = q_proj(n) * head_dim^-0.5 (after the bias), ReLU fc1 / fc2, final_layer_norm, tied head.",
         "",
         "## Variants",
         ""]
    for v, info in infos:
        ref = info["ref"]
        L += [f"### `{v['name']}`", "",
              f"- model_type `{v['model_type']}`, {v['dtype']}, {'tied' if v['tied'] else 'untied'}, "
              f"{'%d shards + index' % v['shards'] if v['shards'] > 1 else 'single model.safetensors'}; "
              f"{info['n_params']} parameters; seed {info['seed']}.",
              f"- dims: {dims(v)}.",
              f"- covers: {v['covers']}",
              f"- files: {', '.join(info['files'])}.",
              f"- eos_ids {ref['eos_ids']} (config.json eos_token_id {json.dumps(v['config_eos'])}"
              + (f", generation_config.json eos_token_id {json.dumps(v['gen']['eos_token_id'])}" if v["gen"] else "")
              + f"); bos {v['bos']}; special tokens {', '.join(f'{i} {s}' for i, s in enumerate(v['specials']))}.",
              f"- greedy from {ref['greedy_prompt']}: {ref['greedy']}; smallest greedy logit gap {info['gap']:.4f}"
              + ("; a padded row has the overall highest logit at some greedy step" if info["padded_win"] else "")
              + "."]
        if "rope" in info:
            rs = v["rope_scaling"]
            L.append(f"- rope_scaling {json.dumps(rs, sort_keys=True)}, head_dim {head_dim_of(v)}: low_freq_wavelen "
                     f"{rs['original_max_position_embeddings'] / rs['low_freq_factor']:g}, high_freq_wavelen "
                     f"{rs['original_max_position_embeddings'] / rs['high_freq_factor']:g}; per frequency i: "
                     + "; ".join(f"i={i} wavelen {2 * math.pi / a:.4g} -> {b} (inv_freq {a:.6g} -> {c:.6g})"
                                 for i, (b, a, c) in enumerate(info["rope"])) + ".")
        L.append("- sanity checks: " + "; ".join(info["checks"]) + ".")
        L.append("- the reference detects: " + "; ".join(info["sensitivity"]) + ".")
        L.append("")
    L += ["## Tokenizers", "",
          "Llama-family variants ship `tokenizer.json` (Hugging Face tokenizers format): a WordLevel model with "
          "exactly `tokenizer_vocab` entries, id i being the variant's i-th special token for the first few ids "
          "and the word `w<i>` otherwise (so \"w17\" is id 17), unk_token `<unk>`, a Whitespace pre-tokenizer, "
          "no normalizer / post-processor / decoder, and the special tokens listed as added tokens "
          "(special: true). opt-tied has no tokenizer file (OPT's real tokenizer is GPT-2 BPE).", ""]
    with open(os.path.join(HERE, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))


def main():
    only = set(sys.argv[1:])
    infos = []
    for v in VARIANTS:
        if only and v["name"] not in only:
            continue
        info = build(v)
        infos.append((v, info))
        ref = info["ref"]
        print(f"{v['name']}: seed {info['seed']}, {v['dtype']}, {dims(v)}")
        print(f"  greedy {ref['greedy_prompt']} -> {ref['greedy']} (min gap {info['gap']:.4f}); "
              f"logprob[0] {ref['token_logprobs'][0]:.6f}; checks: {'; '.join(info['checks'])}")
        print("  sensitivity: " + "; ".join(info["sensitivity"]))
        info["checks"].append(verify_from_disk(v["name"]))
        print("  " + info["checks"][-1])
        if "rope" in info:
            print("  llama3 rope: " + ", ".join(f"{b} {a:.4g}->{c:.4g}" for b, a, c in info["rope"]))
    if not only:
        write_readme(infos)


if __name__ == "__main__":
    main()

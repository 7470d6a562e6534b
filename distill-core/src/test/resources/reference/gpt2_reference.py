"""Independent float64 numpy reference for GPT-2 logits (Hugging Face layout: Conv1D weights (in, out)).

The weights are a closed-form function of (tensor index, element index), so the Java test can write the
same values into a Hugging Face style model.safetensors itself. Regenerate with:
    python3 gpt2_reference.py > gpt2_reference_logits.json
"""
import json
import numpy as np

V, P, C, H, L = 50, 16, 12, 3, 2
TOKENS = [3, 17, 42, 8, 0, 49, 25]


def names_and_shapes(untied):
    out = [("wte.weight", (V, C)), ("wpe.weight", (P, C))]
    for l in range(L):
        p = f"h.{l}."
        out += [(p + "ln_1.weight", (C,)), (p + "ln_1.bias", (C,)),
                (p + "attn.c_attn.weight", (C, 3 * C)), (p + "attn.c_attn.bias", (3 * C,)),
                (p + "attn.c_proj.weight", (C, C)), (p + "attn.c_proj.bias", (C,)),
                (p + "ln_2.weight", (C,)), (p + "ln_2.bias", (C,)),
                (p + "mlp.c_fc.weight", (C, 4 * C)), (p + "mlp.c_fc.bias", (4 * C,)),
                (p + "mlp.c_proj.weight", (4 * C, C)), (p + "mlp.c_proj.bias", (C,))]
    out += [("ln_f.weight", (C,)), ("ln_f.bias", (C,))]
    if untied:
        out.append(("lm_head.weight", (V, C)))
    return out


def value(name, k, shape):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    s = np.sin(0.37 * i + 1.1 * k + 0.5)
    if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight":
        v = 1.0 + 0.1 * s
    elif name.endswith(".bias"):
        v = 0.05 * s
    else:
        v = 0.3 * s
    return v.astype(np.float32).astype(np.float64).reshape(shape)  # the file stores float32


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu_new(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def logits(untied):
    w = {n: value(n, k, s) for k, (n, s) in enumerate(names_and_shapes(untied))}
    T = len(TOKENS)
    x = w["wte.weight"][TOKENS] + w["wpe.weight"][:T]
    hs = C // H
    causal = np.tril(np.ones((T, T), dtype=bool))
    for l in range(L):
        p = f"h.{l}."
        a = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"]) @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = np.split(a, 3, axis=-1)
        q, k, v = [t.reshape(T, H, hs).transpose(1, 0, 2) for t in (q, k, v)]
        att = q @ k.transpose(0, 2, 1) / np.sqrt(hs)
        att = np.where(causal, att, -np.inf)
        att = np.exp(att - att.max(-1, keepdims=True))
        att = att / att.sum(-1, keepdims=True)
        y = (att @ v).transpose(1, 0, 2).reshape(T, C)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = gelu_new(layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"]) @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])
    head = w["lm_head.weight"] if untied else w["wte.weight"]
    return (x @ head.T).tolist()


print(json.dumps({"config": {"vocab_size": V, "n_positions": P, "n_embd": C, "n_head": H, "n_layer": L},
                  "tokens": TOKENS, "tied": logits(False), "untied": logits(True)}))

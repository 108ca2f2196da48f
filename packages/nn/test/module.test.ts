// nn.Module behaviour: registration and traversal, state_dict, printing,
// hooks, modes, conversions, containers, and the callable instance.
import { describe, expect, it } from "vitest";
import { nn, optim } from "../src/index.js";
import { fixtures, torch } from "./fixtures.js";

type Tensor = torch.Tensor;

class Block extends nn.Module {
  proj = new nn.Linear(4, 4);
  norm = new nn.LayerNorm(4);
  declare scale: Tensor;
  declare cache: Tensor;
  constructor() {
    super();
    this.register_buffer("scale", torch.ones(1));
    this.register_buffer("cache", torch.zeros(2), { persistent: false });
  }
  override forward(x: Tensor): Tensor {
    return this.norm(this.proj(x)).mul(this.scale);
  }
}

class Net extends nn.Module {
  emb = new nn.Embedding(10, 4, { padding_idx: 0 });
  blocks = new nn.ModuleList([new Block(), new Block()]);
  bn = new nn.BatchNorm1d(4);
  heads = new nn.ModuleDict({ cls: new nn.Linear(4, 3), reg: new nn.Sequential(new nn.Linear(4, 2), new nn.ReLU(), new nn.Dropout(0.1)) });
  shared = this.heads.getitem("cls");
  act = new nn.GELU();
  loss = new nn.CrossEntropyLoss({ weight: torch.ones(3) });
  override forward(idx: Tensor): [Tensor, Tensor] {
    let x = this.emb(idx).mean(1);
    for (const b of this.blocks) x = b(x);
    x = this.act(this.bn(x));
    return [this.heads.getitem("cls")(x), this.heads.getitem("reg")(x)];
  }
}

describe("structure matches PyTorch", () => {
  const s = fixtures.structure;
  const net = new Net();
  it("state_dict keys and shapes", () => {
    expect(Object.entries(net.state_dict()).map(([k, v]) => [k, [...v.shape]])).toEqual(s.state_dict);
  });
  it("named_parameters / named_buffers / named_modules / children", () => {
    expect(net.named_parameters().map(([k, v]) => [k, [...v.shape]])).toEqual(s.named_parameters);
    expect(net.named_buffers().map(([k, v]) => [k, [...v.shape]])).toEqual(s.named_buffers);
    expect(net.named_modules().map(([k]) => k)).toEqual(s.named_modules);
    expect(net.named_children().map(([k]) => k)).toEqual(s.children);
    expect(net.parameters().reduce((a, p) => a + p.numel(), 0)).toBe(s.num_parameters);
  });
  it("repr", () => {
    expect(String(net)).toBe(s.repr);
    const r = s.reprs;
    expect(String(new nn.Linear(3, 2))).toBe(r.Linear);
    expect(String(new nn.Linear(3, 2, false))).toBe(r["Linear no bias"]);
    expect(String(new nn.Dropout())).toBe(r.Dropout);
    expect(String(new nn.Embedding(5, 2, { padding_idx: 1 }))).toBe(r.Embedding);
    expect(String(new nn.LayerNorm([3, 4], { eps: 1e-6 }))).toBe(r.LayerNorm);
    expect(String(new nn.BatchNorm1d(3, { momentum: null }))).toBe(r.BatchNorm1d);
    expect(String(new nn.Softmax({ dim: -1 }))).toBe(r.Softmax);
    expect(String(new nn.ReLU({ inplace: true }))).toBe(r["ReLU inplace"]);
    expect(String(new nn.Flatten())).toBe(r.Flatten);
    expect(String(new nn.Bilinear(2, 3, 4))).toBe(r.Bilinear);
    expect(String(new nn.CrossEntropyLoss())).toBe(r.CrossEntropyLoss);
    expect(String(new nn.LeakyReLU(0.2))).toBe(r.LeakyReLU);
    expect(String(new nn.GELU({ approximate: "tanh" }))).toBe(r.GELU);
    expect(String(new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Tanh(), new nn.Identity())))).toBe(r.Sequential);
  });
  it("forward through the whole model", () => {
    net.eval();
    const [a, b] = net(
      torch.tensor([
        [1, 2, 0],
        [3, 3, 9],
      ]),
    );
    expect(a.shape).toEqual([2, 3]);
    expect(b.shape).toEqual([2, 2]);
  });
});

describe("callable instances", () => {
  it("model(x) runs forward; instances are functions of their class", () => {
    const lin = new nn.Linear(3, 2);
    const y: Tensor = lin(torch.ones(1, 3));
    expect(y.shape).toEqual([1, 2]);
    expect(typeof lin).toBe("function");
    expect(lin instanceof nn.Linear && lin instanceof nn.Module).toBe(true);
    expect(Object.keys(lin)).toEqual(["training", "in_features", "out_features", "weight", "bias"]);
    expect(lin.call(null, torch.ones(3)).shape).toEqual([2]);
  });
  it("attributes named like Function's read-only members can be set", () => {
    class Named extends nn.Module {
      constructor() {
        super();
        (this as any).name = "encoder";
        (this as any).length = 3;
      }
      override forward(x: Tensor) {
        return x;
      }
    }
    const m = new Named();
    expect((m as any).name).toBe("encoder");
    expect((m as any).length).toBe(3);
    expect(new nn.ReLU().name).toBe("ReLU");
  });
  it("a module without forward says so", () => {
    const m = new nn.Module();
    expect(() => m(1)).toThrow(/Module \[Module\] is missing the required "forward" function/);
  });
});

describe("hooks", () => {
  it("pre-hooks replace inputs, forward hooks replace outputs, handles remove", () => {
    const m = new nn.Linear(2, 2);
    const seen: string[] = [];
    const h1 = m.register_forward_pre_hook((_mod, input) => {
      seen.push("pre");
      return [(input[0] as Tensor).mul(0)];
    });
    const h2 = m.register_forward_hook((_mod, _input, output) => {
      seen.push("post");
      return output.add(1);
    });
    const y = m(torch.ones(1, 2));
    expect(seen).toEqual(["pre", "post"]);
    expect(y.tolist()).toEqual([m.bias!.add(1).tolist()]);
    h1.remove();
    h2.remove();
    expect(m(torch.zeros(1, 2)).tolist()).toEqual([m.bias!.tolist()]);
  });
});

describe("modes, gradients, conversions", () => {
  it("train/eval recurse; apply visits children first", () => {
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Sequential(new nn.Dropout(), new nn.ReLU()));
    seq.eval();
    expect(seq.modules().every((m) => !m.training)).toBe(true);
    seq.train();
    expect(seq.modules().every((m) => m.training)).toBe(true);
    const order: string[] = [];
    seq.apply((m) => order.push(m._get_name()));
    expect(order).toEqual(["Linear", "Dropout", "ReLU", "Sequential", "Sequential"]);
    expect(() => seq.train("yes" as any)).toThrow(/training mode is expected to be boolean/);
  });

  it("zero_grad zeroes in place by default (PyTorch 1.13) or drops grads", () => {
    const m = new nn.Linear(2, 1);
    m(torch.ones(3, 2)).sum().backward();
    const g = m.weight.grad!;
    m.zero_grad();
    expect(m.weight.grad).toBe(g);
    expect(g.tolist()).toEqual([[0, 0]]);
    m.zero_grad({ set_to_none: true });
    expect(m.weight.grad).toBe(null);
  });

  it("requires_grad_ toggles all parameters", () => {
    const m = new nn.Linear(2, 1);
    m.requires_grad_(false);
    expect(m.parameters().every((p) => !p.requires_grad)).toBe(true);
  });

  it("to(dtype) keeps Parameter objects (optimizers still hold them) and leaves integer buffers alone", () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.BatchNorm1d(2));
    const before = m.parameters();
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    m.to(torch.float64);
    expect(m.parameters()).toEqual(before);
    expect(m.parameters().every((p, i) => p === before[i] && p.dtype === torch.float64)).toBe(true);
    const bn = m[1] as nn.BatchNorm1d;
    expect(bn.running_mean!.dtype).toBe(torch.float64);
    expect(bn.num_batches_tracked!.dtype).toBe(torch.int64);
    m.train();
    m(torch.linspace(0, 1, 6, { dtype: torch.float64 }).reshape(3, 2))
      .pow(2)
      .sum()
      .backward();
    const w0 = (m[0] as nn.Linear).weight.clone();
    opt.step();
    expect((m[0] as nn.Linear).weight.sub(w0).abs().sum().item()).toBeGreaterThan(0);
    m.float();
    expect(before[0]!.dtype).toBe(torch.float32);
    expect(() => m.to(torch.int64)).toThrow(/only accepts floating point/);
  });
});

describe("state_dict / load_state_dict", () => {
  it("detached values; keep_vars returns the parameters; non-persistent buffers left out", () => {
    const b = new Block();
    const sd = b.state_dict();
    expect(Object.keys(sd)).toEqual(["scale", "proj.weight", "proj.bias", "norm.weight", "norm.bias"]);
    expect(sd["proj.weight"]!.requires_grad).toBe(false);
    expect(b.state_dict({ keep_vars: true })["proj.weight"]).toBe(b.proj.weight);
  });
  it("loads values in place", () => {
    const a = new nn.Linear(3, 2),
      b = new nn.Linear(3, 2);
    const w = b.weight;
    const r = b.load_state_dict(a.state_dict());
    expect(r).toEqual({ missing_keys: [], unexpected_keys: [] });
    expect(b.weight).toBe(w);
    expect(b.weight.tolist()).toEqual(a.weight.tolist());
    expect(b.weight.requires_grad).toBe(true);
  });
  it("names missing, unexpected and mis-sized entries like PyTorch", () => {
    const m = new nn.Sequential(new nn.Linear(3, 2));
    const sd = m.state_dict();
    expect(() => m.load_state_dict({ "0.weight": sd["0.weight"]!, extra: torch.zeros(1) })).toThrow(
      'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". \n\tUnexpected key(s) in state_dict: "extra". ',
    );
    expect(() => m.load_state_dict({ ...sd, "0.bias": torch.zeros(3) })).toThrow(
      "size mismatch for 0.bias: copying a param with shape torch.Size([3]) from checkpoint, the shape in current model is torch.Size([2]).",
    );
    expect(m.load_state_dict({ "0.bias": torch.zeros(2), extra: torch.zeros(1) }, false)).toEqual({
      missing_keys: ["0.weight"],
      unexpected_keys: ["extra"],
    });
  });
});

describe("registration", () => {
  it("shared modules and parameters are listed once", () => {
    const lin = new nn.Linear(2, 2);
    const seq = new nn.Sequential(lin, lin);
    expect(seq.parameters().length).toBe(2);
    expect(seq.named_parameters({ remove_duplicate: false }).map(([k]) => k)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    expect(Object.keys(seq.state_dict())).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
  });
  it("names that are attributes, empty or dotted are refused", () => {
    const m = new nn.Module();
    expect(() => m.add_module("train", new nn.ReLU())).toThrow(/attribute 'train' already exists/);
    expect(() => m.add_module("a.b", new nn.ReLU())).toThrow(/can't contain "."/);
    expect(() => m.register_parameter("", null)).toThrow(/can't be empty string/);
    expect(() => m.register_parameter("w", torch.ones(2) as any)).toThrow(/cannot assign 'Tensor' object to parameter 'w'/);
    expect(() => new nn.ModuleDict({ keys: new nn.ReLU() })).toThrow(/attribute 'keys' already exists/);
  });
  it("Parameter", () => {
    const t = torch.zeros(2);
    const p = new nn.Parameter(t);
    expect(p.requires_grad).toBe(true);
    expect(p).toBeInstanceOf(torch.Tensor);
    expect(String(p)).toBe("Parameter containing:\ntensor([0., 0.], requires_grad=True)");
    expect(new nn.Parameter(t, false).requires_grad).toBe(false);
    expect(new nn.Parameter(t, { requires_grad: false }).requires_grad).toBe(false);
    torch.no_grad(() => p.add_(1));
    expect(t.tolist()).toEqual([1, 1]);
  });
});

describe("containers", () => {
  it("Sequential: index, negative index, slice, iterate, append, named entries", () => {
    const a = new nn.Linear(2, 3),
      b = new nn.ReLU(),
      c = new nn.Linear(3, 1);
    const seq = new nn.Sequential(a, b);
    expect(seq[0]).toBe(a);
    expect(seq.getitem(-1)).toBe(b);
    expect(seq.length).toBe(2);
    seq.append(c);
    expect([...seq]).toEqual([a, b, c]);
    const tail = seq.getitem("1:");
    expect(tail).toBeInstanceOf(nn.Sequential);
    expect([...tail]).toEqual([b, c]);
    expect(Object.keys(tail._modules)).toEqual(["1", "2"]);
    expect(seq(torch.ones(4, 2)).shape).toEqual([4, 1]);
    seq.__delitem__(1);
    expect([...seq]).toEqual([a, c]);
    expect(() => seq.getitem(5)).toThrow(/index 5 is out of range/);
    const named = new nn.Sequential({ fc: a, act: b });
    expect(named.named_children().map(([k]) => k)).toEqual(["fc", "act"]);
    expect((named as any).fc).toBe(a);
  });
  it("ModuleList: append, extend, insert, pop", () => {
    const ms = [new nn.ReLU(), new nn.Tanh(), new nn.Sigmoid()];
    const l = new nn.ModuleList(ms.slice(0, 1));
    l.extend(ms.slice(1));
    expect(l.length).toBe(3);
    const g = new nn.GELU();
    l.insert(1, g);
    expect([...l]).toEqual([ms[0], g, ms[1], ms[2]]);
    expect(l.pop()).toBe(ms[2]);
    expect(l[2]).toBe(ms[1]);
    expect(l.named_children().map(([k]) => k)).toEqual(["0", "1", "2"]);
  });
  it("ModuleDict: keys, items, has, pop, update", () => {
    const d = new nn.ModuleDict({ a: new nn.ReLU() });
    d.update([["b", new nn.Tanh()]]);
    d.setitem("c", new nn.Sigmoid());
    expect(d.keys()).toEqual(["a", "b", "c"]);
    expect(d.has("b")).toBe(true);
    expect(d.pop("b")).toBeInstanceOf(nn.Tanh);
    expect([...d]).toEqual(["a", "c"]);
    expect(d.length).toBe(2);
    expect(() => d.getitem("zz")).toThrow(/KeyError: 'zz'/);
  });
});

describe("errors name what is wrong", () => {
  it("Linear with the wrong input feature size names the shapes", () => {
    const lin = new nn.Linear(3, 2);
    expect(() => lin(torch.zeros(4, 5))).toThrow(/mat1 and mat2 shapes cannot be multiplied \(4x5 and 3x2\).*\[4, 5\].*\[2, 3\]/);
  });
  it("unknown option names throw", () => {
    expect(() => new nn.Linear(3, 2, { bais: false } as any)).toThrow(/Linear\(\) got an unexpected keyword argument 'bais'/);
    expect(() => new nn.CrossEntropyLoss({ ignore: 1 } as any)).toThrow(/unexpected keyword argument 'ignore'/);
    expect(() => nn.functional.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 1]), { smoothing: 0.1 } as any)).toThrow(
      /cross_entropy\(\) got an unexpected keyword argument 'smoothing'/,
    );
    expect(() => new optim.Adam(new nn.Linear(1, 1).parameters(), { lr: 0.1, beta: [0.9, 0.99] } as any)).toThrow(
      /Adam\(\) got an unexpected keyword argument 'beta'/,
    );
    expect(() => new nn.Dropout(0.5, false, true as any)).toThrow(/takes from 1 to 3 positional arguments but 4 were given/); // PyTorch: _DropoutNd.__init__() takes from 1 to 3 ... (self counted)
  });
  it("shape and value errors", () => {
    expect(() => new nn.BatchNorm1d(3)(torch.zeros(2, 3, 4, 5))).toThrow(/expected 2D or 3D input \(got 4D input\)/);
    expect(() => new nn.BatchNorm1d(3)(torch.zeros(1, 3))).toThrow(/Expected more than 1 value per channel when training/);
    expect(() => nn.functional.cross_entropy(torch.zeros(3, 4), torch.tensor([0, 1]))).toThrow(
      /Expected input batch_size \(3\) to match target batch_size \(2\)/,
    );
    expect(() => nn.functional.layer_norm(torch.zeros(2, 3), [4])).toThrow(
      /Given normalized_shape=\[4\], expected input with shape \[\*, 4\], but got input of size\[2, 3\]/,
    );
    expect(() => new nn.Dropout(1.5)).toThrow(/dropout probability has to be between 0 and 1, but got 1.5/);
    expect(() => new nn.MSELoss({ reduction: "avg" as any })).toThrow(/avg is not a valid value for reduction/);
    expect(() => nn.functional.embedding(torch.zeros(2), torch.zeros(3, 2))).toThrow(
      /'indices' to have one of the following scalar types: Long, Int/,
    );
  });
  it("optimizer construction errors", () => {
    const ps = new nn.Linear(1, 1).parameters();
    expect(() => new optim.SGD([])).toThrow(/optimizer got an empty parameter list/);
    expect(() => new optim.SGD(ps)).toThrow(/required optimization parameter lr/);
    expect(() => new optim.SGD([{ params: ps }, { params: ps }], { lr: 1 })).toThrow(
      /some parameters appear in more than one parameter group/,
    );
    expect(() => new optim.SGD(ps, { lr: 1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new optim.Adam(ps, { betas: [1.0, 0.9] })).toThrow(/Invalid beta parameter at index 0: 1/);
    expect(() => new optim.SGD(ps[0] as any, { lr: 1 })).toThrow(/iterable of Tensors or dicts/);
  });
});

describe("optimizer state", () => {
  it("param groups take their own options over the defaults", () => {
    const m = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    const opt = new optim.SGD([{ params: m[0]!.parameters() }, { params: m[1]!.parameters(), lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.param_groups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.5, 0.9],
    ]);
  });
  it("state_dict / load_state_dict resumes training identically", () => {
    const data = torch.linspace(-1, 1, 12).reshape(6, 2),
      target = torch.linspace(0, 1, 6).reshape(6, 1);
    const run = (m: nn.Module, o: optim.Optimizer) => {
      o.zero_grad();
      const loss = nn.functional.mse_loss(m(data), target);
      loss.backward();
      o.step();
      return loss.item();
    };
    const m1 = new nn.Linear(2, 1),
      o1 = new optim.Adam(m1.parameters(), { lr: 0.05, amsgrad: true });
    run(m1, o1);
    run(m1, o1);
    const m2 = new nn.Linear(2, 1),
      o2 = new optim.Adam(m2.parameters(), { lr: 0.9 });
    m2.load_state_dict(m1.state_dict());
    o2.load_state_dict(o1.state_dict());
    expect(o2.param_groups[0]!.lr).toBe(0.05);
    expect(o2.state.get(m2.weight)!.step.item()).toBe(2);
    expect(run(m2, o2)).toBe(run(m1, o1));
    expect(m2.weight.tolist()).toEqual(m1.weight.tolist());
  });
  it("closure: step(closure) returns its loss", () => {
    const m = new nn.Linear(1, 1);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1 });
    const loss = opt.step(() => {
      opt.zero_grad();
      const l = m(torch.ones(1, 1)).sum();
      l.backward();
      return l;
    });
    expect(loss).toBeInstanceOf(torch.Tensor);
  });
});

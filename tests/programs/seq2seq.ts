// The PyTorch tutorial "NLP From Scratch: Translation with a Sequence to
// Sequence Network and Attention": EncoderRNN (Embedding, GRU), AttnDecoderRNN
// (attention weights by softmax over a Linear of [embedded, hidden], applied
// with bmm), train() with teacher forcing or greedy decoding by topk (stopping
// at EOS, read with .item()), NLLLoss summed over the target, two SGD
// optimizers, and evaluate() under no_grad. The tutorial's
// `random.random() < teacher_forcing_ratio` is a fixed schedule here and in
// the generator. Ported line by line from tests/fixtures/gen_programs2.py's
// seq2seq(), in the positional and the keyword form.
import * as torch from "xlatorch";
import { checksums, type OnStep, type ProgramRun } from "./common";

const { nn, optim } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

const [SOS_token, EOS_token, MAX_LENGTH] = [0, 1, 6];
/** nn.GRU called with keyword sizes only (its declared constructor types want two positionals). */
const GRUk = nn.GRU as unknown as new (kwargs: { input_size: number; hidden_size: number }) => torch.nn.GRU;
/** The tutorial's global `device`, set by each run. */
let device = "cpu";

class EncoderRNN extends nn.Module {
  embedding: torch.nn.Embedding;
  gru: torch.nn.GRU;
  constructor(
    input_size: number,
    readonly hidden_size: number,
    readonly kw: boolean,
  ) {
    super();
    this.embedding = kw
      ? new nn.Embedding({ num_embeddings: input_size, embedding_dim: hidden_size })
      : new nn.Embedding(input_size, hidden_size);
    // (nn.LSTM/GRU take keyword sizes at run time, as PyTorch's *args/**kwargs do; their declared constructor types do not yet, hence the casts)
    this.gru = kw ? new GRUk({ input_size: hidden_size, hidden_size }) : new nn.GRU(hidden_size, hidden_size);
  }
  override forward(input: Tensor, hidden: Tensor): [Tensor, Tensor] {
    const embedded = this.kw ? this.embedding({ input }).view({ size: [1, 1, -1] }) : this.embedding(input).view(1, 1, -1);
    let output = embedded;
    [output, hidden] = this.gru(output, hidden) as [Tensor, Tensor];
    return [output, hidden];
  }
  initHidden(): Tensor {
    return this.kw ? torch.zeros({ size: [1, 1, this.hidden_size], device }) : torch.zeros(1, 1, this.hidden_size, { device });
  }
}

class AttnDecoderRNN extends nn.Module {
  embedding: torch.nn.Embedding;
  attn: torch.nn.Linear;
  attn_combine: torch.nn.Linear;
  dropout: torch.nn.Dropout;
  gru: torch.nn.GRU;
  out: torch.nn.Linear;
  constructor(
    readonly hidden_size: number,
    readonly output_size: number,
    readonly dropout_p = 0.1,
    readonly max_length = MAX_LENGTH,
    readonly kw = false,
  ) {
    super();
    if (kw) {
      this.embedding = new nn.Embedding({ num_embeddings: this.output_size, embedding_dim: this.hidden_size });
      this.attn = new nn.Linear({ in_features: this.hidden_size * 2, out_features: this.max_length });
      this.attn_combine = new nn.Linear(this.hidden_size * 2, { out_features: this.hidden_size });
      this.dropout = new nn.Dropout({ p: this.dropout_p });
      this.gru = new nn.GRU(this.hidden_size, { hidden_size: this.hidden_size } as never);
      this.out = new nn.Linear({ in_features: this.hidden_size, out_features: this.output_size, bias: true });
    } else {
      this.embedding = new nn.Embedding(this.output_size, this.hidden_size);
      this.attn = new nn.Linear(this.hidden_size * 2, this.max_length);
      this.attn_combine = new nn.Linear(this.hidden_size * 2, this.hidden_size);
      this.dropout = new nn.Dropout(this.dropout_p);
      this.gru = new nn.GRU(this.hidden_size, this.hidden_size);
      this.out = new nn.Linear(this.hidden_size, this.output_size);
    }
  }
  override forward(input: Tensor, hidden: Tensor, encoder_outputs: Tensor): [Tensor, Tensor, Tensor] {
    if (this.kw) {
      let embedded = this.embedding({ input }).view({ size: [1, 1, -1] });
      embedded = this.dropout({ input: embedded });
      const attn_weights = F.softmax(this.attn({ input: torch.cat({ tensors: [embedded.getitem(0), hidden.getitem(0)], dim: 1 }) }), {
        dim: 1,
      });
      const attn_applied = torch.bmm({ input: attn_weights.unsqueeze({ dim: 0 }), mat2: encoder_outputs.unsqueeze({ dim: 0 }) });
      let output = torch.cat([embedded.getitem(0), attn_applied.getitem(0)], { dim: 1 });
      output = this.attn_combine({ input: output }).unsqueeze(0);
      output = F.relu({ input: output });
      [output, hidden] = this.gru(output, hidden) as [Tensor, Tensor];
      output = F.log_softmax({ input: this.out(output.getitem(0)), dim: 1 });
      return [output, hidden, attn_weights];
    }
    let embedded = this.embedding(input).view(1, 1, -1);
    embedded = this.dropout(embedded);
    const attn_weights = F.softmax(this.attn(torch.cat([embedded.getitem(0), hidden.getitem(0)], 1)), 1);
    const attn_applied = torch.bmm(attn_weights.unsqueeze(0), encoder_outputs.unsqueeze(0));
    let output = torch.cat([embedded.getitem(0), attn_applied.getitem(0)], 1);
    output = this.attn_combine(output).unsqueeze(0);
    output = F.relu(output);
    [output, hidden] = this.gru(output, hidden) as [Tensor, Tensor];
    output = F.log_softmax(this.out(output.getitem(0)), 1);
    return [output, hidden, attn_weights];
  }
}

/** Python's `loss += t` from `loss = 0`: int + Tensor is Tensor.__radd__. */
const iadd = (loss: Tensor | number, t: Tensor): Tensor => (typeof loss === "number" ? t.add(loss) : loss.add(t));

function train(
  input_tensor: Tensor,
  target_tensor: Tensor,
  encoder: EncoderRNN,
  decoder: AttnDecoderRNN,
  encoder_optimizer: torch.optim.Optimizer,
  decoder_optimizer: torch.optim.Optimizer,
  criterion: torch.nn.NLLLoss,
  use_teacher_forcing: boolean,
  max_length = MAX_LENGTH,
): number {
  let encoder_hidden = encoder.initHidden();
  encoder_optimizer.zero_grad();
  decoder_optimizer.zero_grad();
  const input_length = input_tensor.size(0);
  const target_length = target_tensor.size(0);
  const encoder_outputs = torch.zeros(max_length, encoder.hidden_size, { device });
  let loss: Tensor | number = 0;
  for (let ei = 0; ei < input_length; ei++) {
    let encoder_output: Tensor;
    [encoder_output, encoder_hidden] = encoder(input_tensor.getitem(ei), encoder_hidden);
    encoder_outputs.setitem(ei, encoder_output.getitem(0, 0));
  }
  let decoder_input = torch.tensor([[SOS_token]], { device });
  let decoder_hidden = encoder_hidden;
  if (use_teacher_forcing) {
    for (let di = 0; di < target_length; di++) {
      let decoder_output: Tensor;
      [decoder_output, decoder_hidden] = decoder(decoder_input, decoder_hidden, encoder_outputs);
      loss = iadd(loss, criterion(decoder_output, target_tensor.getitem(di)));
      decoder_input = target_tensor.getitem(di); // Teacher forcing
    }
  } else {
    for (let di = 0; di < target_length; di++) {
      let decoder_output: Tensor;
      [decoder_output, decoder_hidden] = decoder(decoder_input, decoder_hidden, encoder_outputs);
      const [, topi] = decoder_output.topk(1);
      decoder_input = topi.squeeze().detach(); // detach from history as input
      loss = iadd(loss, criterion(decoder_output, target_tensor.getitem(di)));
      if (decoder_input.item() === EOS_token) break;
    }
  }
  (loss as Tensor).backward();
  encoder_optimizer.step();
  decoder_optimizer.step();
  return ((loss as Tensor).item() as number) / target_length;
}

function trainKw(
  input_tensor: Tensor,
  target_tensor: Tensor,
  encoder: EncoderRNN,
  decoder: AttnDecoderRNN,
  encoder_optimizer: torch.optim.Optimizer,
  decoder_optimizer: torch.optim.Optimizer,
  criterion: torch.nn.NLLLoss,
  use_teacher_forcing: boolean,
  max_length = MAX_LENGTH,
): number {
  let encoder_hidden = encoder.initHidden();
  encoder_optimizer.zero_grad({ set_to_none: false });
  decoder_optimizer.zero_grad({ set_to_none: false });
  const input_length = input_tensor.size(0);
  const target_length = target_tensor.size(0);
  const encoder_outputs = torch.zeros([max_length, encoder.hidden_size], { device });
  let loss: Tensor | number = 0;
  for (let ei = 0; ei < input_length; ei++) {
    let encoder_output: Tensor;
    [encoder_output, encoder_hidden] = encoder(input_tensor.getitem(ei), encoder_hidden);
    encoder_outputs.setitem(ei, encoder_output.getitem(0, 0));
  }
  let decoder_input = torch.tensor({ data: [[SOS_token]], device });
  let decoder_hidden = encoder_hidden;
  if (use_teacher_forcing) {
    for (let di = 0; di < target_length; di++) {
      let decoder_output: Tensor;
      [decoder_output, decoder_hidden] = decoder(decoder_input, decoder_hidden, encoder_outputs);
      loss = iadd(loss, criterion({ input: decoder_output, target: target_tensor.getitem(di) }));
      decoder_input = target_tensor.getitem(di);
    }
  } else {
    for (let di = 0; di < target_length; di++) {
      let decoder_output: Tensor;
      [decoder_output, decoder_hidden] = decoder(decoder_input, decoder_hidden, encoder_outputs);
      const { indices: topi } = decoder_output.topk({ k: 1 });
      decoder_input = topi.squeeze().detach();
      loss = iadd(loss, criterion({ input: decoder_output, target: target_tensor.getitem(di) }));
      if (decoder_input.item() === EOS_token) break;
    }
  }
  (loss as Tensor).backward({ retain_graph: false });
  encoder_optimizer.step();
  decoder_optimizer.step();
  return ((loss as Tensor).item() as number) / target_length;
}

function evaluate(encoder: EncoderRNN, decoder: AttnDecoderRNN, input_tensor: Tensor, max_length = MAX_LENGTH): [number[], number] {
  return torch.no_grad(() => {
    const input_length = input_tensor.size()[0]!;
    let encoder_hidden = encoder.initHidden();
    const encoder_outputs = torch.zeros(max_length, encoder.hidden_size, { device });
    for (let ei = 0; ei < input_length; ei++) {
      let encoder_output: Tensor;
      [encoder_output, encoder_hidden] = encoder(input_tensor.getitem(ei), encoder_hidden);
      // encoder_outputs[ei] += encoder_output[0, 0]
      encoder_outputs.setitem(ei, encoder_outputs.getitem(ei).add_(encoder_output.getitem(0, 0)));
    }
    let decoder_input = torch.tensor([[SOS_token]], { device });
    let decoder_hidden = encoder_hidden;
    const decoded_words: number[] = [];
    let attn_sum = 0.0;
    for (let di = 0; di < max_length; di++) {
      let decoder_output: Tensor, decoder_attention: Tensor;
      [decoder_output, decoder_hidden, decoder_attention] = decoder(decoder_input, decoder_hidden, encoder_outputs);
      attn_sum += decoder_attention.data.sum().item() as number;
      const [, topi] = decoder_output.data.topk(1);
      if (topi.item() === EOS_token) {
        decoded_words.push(EOS_token);
        break;
      } else {
        decoded_words.push(topi.item() as number);
      }
      decoder_input = topi.squeeze().detach();
    }
    return [decoded_words, attn_sum];
  });
}

function tensorFromSentence(indexes: number[], kw: boolean): Tensor {
  indexes = [...indexes, EOS_token];
  return kw
    ? torch.tensor(indexes, { dtype: torch.long, device }).view({ size: [-1, 1] })
    : torch.tensor(indexes, { dtype: torch.long, device }).view(-1, 1);
}

/** The generator's TEACHER_FORCING, in place of `random.random() < teacher_forcing_ratio`. */
const TEACHER_FORCING = [true, false, true, true, false, true, false, true, true, false, true, true];

export function seq2seq(kw: boolean) {
  return (dev: string, onStep?: OnStep, iters = TEACHER_FORCING.length): ProgramRun => {
    device = dev;
    torch.manual_seed(42);
    const [n_words, hidden_size] = [10, 16];
    const pairs: [number[], number[]][] = [];
    for (let i = 0; i < 4; i++) {
      const n = 3 + (i % 2);
      const src = (kw ? torch.randint({ low: 2, high: n_words, size: [n] }) : torch.randint(2, n_words, [n])).tolist() as number[];
      pairs.push([src, [...src].reverse()]);
    }
    const encoder = new EncoderRNN(n_words, hidden_size, kw).to(device);
    const decoder = (
      kw ? new AttnDecoderRNN(hidden_size, n_words, 0.1, MAX_LENGTH, true) : new AttnDecoderRNN(hidden_size, n_words, 0.1)
    ).to(device);
    const encoder_optimizer = kw ? new optim.SGD(encoder.parameters(), { lr: 0.05 }) : new optim.SGD(encoder.parameters(), 0.05);
    const decoder_optimizer = kw ? new optim.SGD({ params: decoder.parameters(), lr: 0.05 }) : new optim.SGD(decoder.parameters(), 0.05);
    const criterion = kw ? new nn.NLLLoss({ reduction: "mean" }) : new nn.NLLLoss();
    const losses: number[] = [],
      evals: number[] = [];
    for (let it = 0; it < iters; it++) {
      const pair = pairs[it % pairs.length]!;
      const [input_tensor, target_tensor] = [tensorFromSentence(pair[0], kw), tensorFromSentence(pair[1], kw)];
      const loss = (kw ? trainKw : train)(
        input_tensor,
        target_tensor,
        encoder,
        decoder,
        encoder_optimizer,
        decoder_optimizer,
        criterion,
        TEACHER_FORCING[it % TEACHER_FORCING.length]!,
      );
      losses.push(loss);
      onStep?.(it);
    }
    encoder.eval();
    decoder.eval();
    for (const pair of pairs.slice(0, 2)) {
      const [words, attn_sum] = evaluate(encoder, decoder, tensorFromSentence(pair[0], kw));
      evals.push(words.length, attn_sum, ...words);
    }
    const params: ProgramRun["params"] = {};
    for (const [k, v] of Object.entries(checksums(encoder))) params[`encoder.${k}`] = v;
    for (const [k, v] of Object.entries(checksums(decoder))) params[`decoder.${k}`] = v;
    return { losses, evals, params };
  };
}
export const seq2seqPositional = seq2seq(false);
export const seq2seqKeyword = seq2seq(true);

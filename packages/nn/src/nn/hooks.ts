// torch.utils.hooks.RemovableHandle: what register_*_hook returns.
let nextId = 0;

export class RemovableHandle {
  readonly id = nextId++;
  constructor(private readonly dict: Map<number, unknown>) {}
  remove(): void {
    this.dict.delete(this.id);
  }
}

// A two-result module whose first result is aliased to its first parameter
// (tf.aliasing_output): p - g*g and g*g, an SGD-like update. The donation and
// destination-array tests of the CPU runtime run it (donation.test.ts,
// compile_replay_host.test.ts).
export const ALIASED = `module @m {
  func.func public @main(%p: tensor<4xf32> {tf.aliasing_output = 0 : i32}, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
    %0 = stablehlo.multiply %g, %g : tensor<4xf32>
    %1 = stablehlo.subtract %p, %0 : tensor<4xf32>
    return %1, %0 : tensor<4xf32>, tensor<4xf32>
  }
}`;

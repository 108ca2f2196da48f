// Type declarations of the methods installed by methods.ts.
import type { Tensor } from "./tensor.js";
import type { ComplexScalar, DType } from "./dtype.js";
import type { DeviceLike } from "./device.js";
import type { Generator } from "./random/generator.js";
import type { Scalar, TensorOrScalar } from "./ops/args.js";
import type { Subscript } from "./ops/indexing.js";
import type { memory_format } from "./memory_format.js";

/** Tensor.backward's keywords (retain_graph None: as create_graph). */
export interface BackwardKeywords {
  gradient?: Tensor | null;
  retain_graph?: boolean | null;
  create_graph?: boolean;
  inputs?: Tensor | readonly Tensor[] | null;
}

/** Tensor.tolist(): nested arrays of the element values (a complex element is {re, im}). */
export type NestedScalars = number | boolean | bigint | ComplexScalar | NestedScalars[];

declare module "./tensor.js" {
  interface Tensor {
    // <generated-methods> from packages/core/src/signatures.json by tests/fixtures/gen_signatures.py: each
    // method a property typed by its TensorMethod_<name> interface below (why: gen_signatures.py write_method_types)
    abs: TensorMethod_abs;
    abs_: TensorMethod_abs_;
    absolute: TensorMethod_absolute;
    absolute_: TensorMethod_absolute_;
    acos: TensorMethod_acos;
    acos_: TensorMethod_acos_;
    acosh: TensorMethod_acosh;
    acosh_: TensorMethod_acosh_;
    add: TensorMethod_add;
    add_: TensorMethod_add_;
    addbmm: TensorMethod_addbmm;
    addbmm_: TensorMethod_addbmm_;
    addcdiv: TensorMethod_addcdiv;
    addcdiv_: TensorMethod_addcdiv_;
    addcmul: TensorMethod_addcmul;
    addcmul_: TensorMethod_addcmul_;
    addmm: TensorMethod_addmm;
    addmm_: TensorMethod_addmm_;
    addmv: TensorMethod_addmv;
    addmv_: TensorMethod_addmv_;
    addr: TensorMethod_addr;
    addr_: TensorMethod_addr_;
    adjoint: TensorMethod_adjoint;
    all: TensorMethod_all;
    allclose: TensorMethod_allclose;
    amax: TensorMethod_amax;
    amin: TensorMethod_amin;
    aminmax: TensorMethod_aminmax;
    any: TensorMethod_any;
    arccos: TensorMethod_arccos;
    arccos_: TensorMethod_arccos_;
    arccosh: TensorMethod_arccosh;
    arccosh_: TensorMethod_arccosh_;
    arcsin: TensorMethod_arcsin;
    arcsin_: TensorMethod_arcsin_;
    arcsinh: TensorMethod_arcsinh;
    arcsinh_: TensorMethod_arcsinh_;
    arctan: TensorMethod_arctan;
    arctan2: TensorMethod_arctan2;
    arctan2_: TensorMethod_arctan2_;
    arctan_: TensorMethod_arctan_;
    arctanh: TensorMethod_arctanh;
    arctanh_: TensorMethod_arctanh_;
    argmax: TensorMethod_argmax;
    argmin: TensorMethod_argmin;
    argsort: TensorMethod_argsort;
    argwhere: TensorMethod_argwhere;
    as_strided: TensorMethod_as_strided;
    as_strided_scatter: TensorMethod_as_strided_scatter;
    asin: TensorMethod_asin;
    asin_: TensorMethod_asin_;
    asinh: TensorMethod_asinh;
    asinh_: TensorMethod_asinh_;
    atan: TensorMethod_atan;
    atan2: TensorMethod_atan2;
    atan2_: TensorMethod_atan2_;
    atan_: TensorMethod_atan_;
    atanh: TensorMethod_atanh;
    atanh_: TensorMethod_atanh_;
    baddbmm: TensorMethod_baddbmm;
    baddbmm_: TensorMethod_baddbmm_;
    bernoulli: TensorMethod_bernoulli;
    bernoulli_: TensorMethod_bernoulli_;
    bincount: TensorMethod_bincount;
    bitwise_and: TensorMethod_bitwise_and;
    bitwise_and_: TensorMethod_bitwise_and_;
    bitwise_left_shift: TensorMethod_bitwise_left_shift;
    bitwise_left_shift_: TensorMethod_bitwise_left_shift_;
    bitwise_not: TensorMethod_bitwise_not;
    bitwise_not_: TensorMethod_bitwise_not_;
    bitwise_or: TensorMethod_bitwise_or;
    bitwise_or_: TensorMethod_bitwise_or_;
    bitwise_right_shift: TensorMethod_bitwise_right_shift;
    bitwise_right_shift_: TensorMethod_bitwise_right_shift_;
    bitwise_xor: TensorMethod_bitwise_xor;
    bitwise_xor_: TensorMethod_bitwise_xor_;
    bmm: TensorMethod_bmm;
    broadcast_to: TensorMethod_broadcast_to;
    cdouble: TensorMethod_cdouble;
    ceil: TensorMethod_ceil;
    ceil_: TensorMethod_ceil_;
    cfloat: TensorMethod_cfloat;
    chunk: TensorMethod_chunk;
    clamp: TensorMethod_clamp;
    clamp_: TensorMethod_clamp_;
    clamp_max: TensorMethod_clamp_max;
    clamp_max_: TensorMethod_clamp_max_;
    clamp_min: TensorMethod_clamp_min;
    clamp_min_: TensorMethod_clamp_min_;
    clip: TensorMethod_clip;
    clip_: TensorMethod_clip_;
    clone: TensorMethod_clone;
    conj_physical_: TensorMethod_conj_physical_;
    contiguous: TensorMethod_contiguous;
    copy_: TensorMethod_copy_;
    copysign: TensorMethod_copysign;
    copysign_: TensorMethod_copysign_;
    corrcoef: TensorMethod_corrcoef;
    cos: TensorMethod_cos;
    cos_: TensorMethod_cos_;
    cosh: TensorMethod_cosh;
    cosh_: TensorMethod_cosh_;
    count_nonzero: TensorMethod_count_nonzero;
    cov: TensorMethod_cov;
    cross: TensorMethod_cross;
    cummax: TensorMethod_cummax;
    cummin: TensorMethod_cummin;
    cumprod: TensorMethod_cumprod;
    cumprod_: TensorMethod_cumprod_;
    cumsum: TensorMethod_cumsum;
    cumsum_: TensorMethod_cumsum_;
    deg2rad: TensorMethod_deg2rad;
    deg2rad_: TensorMethod_deg2rad_;
    diag: TensorMethod_diag;
    diag_embed: TensorMethod_diag_embed;
    diagflat: TensorMethod_diagflat;
    diagonal: TensorMethod_diagonal;
    diagonal_scatter: TensorMethod_diagonal_scatter;
    diff: TensorMethod_diff;
    digamma: TensorMethod_digamma;
    digamma_: TensorMethod_digamma_;
    dist: TensorMethod_dist;
    div: TensorMethod_div;
    div_: TensorMethod_div_;
    divide: TensorMethod_divide;
    divide_: TensorMethod_divide_;
    dot: TensorMethod_dot;
    dsplit: TensorMethod_dsplit;
    eq: TensorMethod_eq;
    eq_: TensorMethod_eq_;
    equal: TensorMethod_equal;
    erf: TensorMethod_erf;
    erf_: TensorMethod_erf_;
    erfc: TensorMethod_erfc;
    erfc_: TensorMethod_erfc_;
    erfinv: TensorMethod_erfinv;
    erfinv_: TensorMethod_erfinv_;
    exp: TensorMethod_exp;
    exp2: TensorMethod_exp2;
    exp2_: TensorMethod_exp2_;
    exp_: TensorMethod_exp_;
    expand: TensorMethod_expand;
    expand_as: TensorMethod_expand_as;
    expm1: TensorMethod_expm1;
    expm1_: TensorMethod_expm1_;
    exponential_: TensorMethod_exponential_;
    fill_: TensorMethod_fill_;
    fill_diagonal_: TensorMethod_fill_diagonal_;
    fix: TensorMethod_fix;
    fix_: TensorMethod_fix_;
    flatten: TensorMethod_flatten;
    flip: TensorMethod_flip;
    fliplr: TensorMethod_fliplr;
    flipud: TensorMethod_flipud;
    float_power: TensorMethod_float_power;
    float_power_: TensorMethod_float_power_;
    floor: TensorMethod_floor;
    floor_: TensorMethod_floor_;
    floor_divide: TensorMethod_floor_divide;
    floor_divide_: TensorMethod_floor_divide_;
    fmax: TensorMethod_fmax;
    fmin: TensorMethod_fmin;
    fmod: TensorMethod_fmod;
    fmod_: TensorMethod_fmod_;
    frac: TensorMethod_frac;
    frac_: TensorMethod_frac_;
    frexp: TensorMethod_frexp;
    gather: TensorMethod_gather;
    gcd: TensorMethod_gcd;
    gcd_: TensorMethod_gcd_;
    ge: TensorMethod_ge;
    ge_: TensorMethod_ge_;
    geqrf: TensorMethod_geqrf;
    ger: TensorMethod_ger;
    getitem: TensorMethod_getitem;
    greater: TensorMethod_greater;
    greater_: TensorMethod_greater_;
    greater_equal: TensorMethod_greater_equal;
    greater_equal_: TensorMethod_greater_equal_;
    gt: TensorMethod_gt;
    gt_: TensorMethod_gt_;
    heaviside: TensorMethod_heaviside;
    heaviside_: TensorMethod_heaviside_;
    histc: TensorMethod_histc;
    histogram: TensorMethod_histogram;
    hsplit: TensorMethod_hsplit;
    hypot: TensorMethod_hypot;
    hypot_: TensorMethod_hypot_;
    i0: TensorMethod_i0;
    i0_: TensorMethod_i0_;
    igamma: TensorMethod_igamma;
    igamma_: TensorMethod_igamma_;
    igammac: TensorMethod_igammac;
    igammac_: TensorMethod_igammac_;
    index_add: TensorMethod_index_add;
    index_add_: TensorMethod_index_add_;
    index_copy: TensorMethod_index_copy;
    index_copy_: TensorMethod_index_copy_;
    index_fill: TensorMethod_index_fill;
    index_fill_: TensorMethod_index_fill_;
    index_put: TensorMethod_index_put;
    index_put_: TensorMethod_index_put_;
    index_reduce: TensorMethod_index_reduce;
    index_reduce_: TensorMethod_index_reduce_;
    index_select: TensorMethod_index_select;
    inner: TensorMethod_inner;
    is_nonzero: TensorMethod_is_nonzero;
    is_same_size: TensorMethod_is_same_size;
    is_signed: TensorMethod_is_signed;
    isclose: TensorMethod_isclose;
    isfinite: TensorMethod_isfinite;
    isinf: TensorMethod_isinf;
    isnan: TensorMethod_isnan;
    isneginf: TensorMethod_isneginf;
    isposinf: TensorMethod_isposinf;
    isreal: TensorMethod_isreal;
    kron: TensorMethod_kron;
    kthvalue: TensorMethod_kthvalue;
    lcm: TensorMethod_lcm;
    lcm_: TensorMethod_lcm_;
    ldexp: TensorMethod_ldexp;
    ldexp_: TensorMethod_ldexp_;
    le: TensorMethod_le;
    le_: TensorMethod_le_;
    lerp: TensorMethod_lerp;
    lerp_: TensorMethod_lerp_;
    less: TensorMethod_less;
    less_: TensorMethod_less_;
    less_equal: TensorMethod_less_equal;
    less_equal_: TensorMethod_less_equal_;
    lgamma: TensorMethod_lgamma;
    lgamma_: TensorMethod_lgamma_;
    log: TensorMethod_log;
    log10: TensorMethod_log10;
    log10_: TensorMethod_log10_;
    log1p: TensorMethod_log1p;
    log1p_: TensorMethod_log1p_;
    log2: TensorMethod_log2;
    log2_: TensorMethod_log2_;
    log_: TensorMethod_log_;
    log_softmax: TensorMethod_log_softmax;
    logaddexp: TensorMethod_logaddexp;
    logaddexp2: TensorMethod_logaddexp2;
    logcumsumexp: TensorMethod_logcumsumexp;
    logical_and: TensorMethod_logical_and;
    logical_and_: TensorMethod_logical_and_;
    logical_not: TensorMethod_logical_not;
    logical_not_: TensorMethod_logical_not_;
    logical_or: TensorMethod_logical_or;
    logical_or_: TensorMethod_logical_or_;
    logical_xor: TensorMethod_logical_xor;
    logical_xor_: TensorMethod_logical_xor_;
    logit: TensorMethod_logit;
    logit_: TensorMethod_logit_;
    logsumexp: TensorMethod_logsumexp;
    lt: TensorMethod_lt;
    lt_: TensorMethod_lt_;
    lu: TensorMethod_lu;
    lu_solve: TensorMethod_lu_solve;
    masked_fill: TensorMethod_masked_fill;
    masked_fill_: TensorMethod_masked_fill_;
    masked_scatter: TensorMethod_masked_scatter;
    masked_scatter_: TensorMethod_masked_scatter_;
    masked_select: TensorMethod_masked_select;
    matmul: TensorMethod_matmul;
    max: TensorMethod_max;
    maximum: TensorMethod_maximum;
    maximum_: TensorMethod_maximum_;
    mean: TensorMethod_mean;
    median: TensorMethod_median;
    min: TensorMethod_min;
    minimum: TensorMethod_minimum;
    minimum_: TensorMethod_minimum_;
    mm: TensorMethod_mm;
    mode: TensorMethod_mode;
    moveaxis: TensorMethod_moveaxis;
    movedim: TensorMethod_movedim;
    msort: TensorMethod_msort;
    mul: TensorMethod_mul;
    mul_: TensorMethod_mul_;
    multinomial: TensorMethod_multinomial;
    multiply: TensorMethod_multiply;
    multiply_: TensorMethod_multiply_;
    mv: TensorMethod_mv;
    mvlgamma: TensorMethod_mvlgamma;
    mvlgamma_: TensorMethod_mvlgamma_;
    nan_to_num: TensorMethod_nan_to_num;
    nan_to_num_: TensorMethod_nan_to_num_;
    nanmean: TensorMethod_nanmean;
    nanmedian: TensorMethod_nanmedian;
    nanquantile: TensorMethod_nanquantile;
    nansum: TensorMethod_nansum;
    narrow: TensorMethod_narrow;
    narrow_copy: TensorMethod_narrow_copy;
    ndimension: TensorMethod_ndimension;
    ne: TensorMethod_ne;
    ne_: TensorMethod_ne_;
    neg: TensorMethod_neg;
    neg_: TensorMethod_neg_;
    negative: TensorMethod_negative;
    negative_: TensorMethod_negative_;
    new_empty: TensorMethod_new_empty;
    new_empty_strided: TensorMethod_new_empty_strided;
    new_full: TensorMethod_new_full;
    new_ones: TensorMethod_new_ones;
    new_tensor: TensorMethod_new_tensor;
    new_zeros: TensorMethod_new_zeros;
    nextafter: TensorMethod_nextafter;
    nextafter_: TensorMethod_nextafter_;
    nonzero: TensorMethod_nonzero;
    norm: TensorMethod_norm;
    normal_: TensorMethod_normal_;
    not_equal: TensorMethod_not_equal;
    not_equal_: TensorMethod_not_equal_;
    orgqr: TensorMethod_orgqr;
    ormqr: TensorMethod_ormqr;
    outer: TensorMethod_outer;
    permute: TensorMethod_permute;
    polygamma: TensorMethod_polygamma;
    polygamma_: TensorMethod_polygamma_;
    positive: TensorMethod_positive;
    pow: TensorMethod_pow;
    pow_: TensorMethod_pow_;
    prod: TensorMethod_prod;
    put: TensorMethod_put;
    put_: TensorMethod_put_;
    quantile: TensorMethod_quantile;
    rad2deg: TensorMethod_rad2deg;
    rad2deg_: TensorMethod_rad2deg_;
    random_: TensorMethod_random_;
    ravel: TensorMethod_ravel;
    reciprocal: TensorMethod_reciprocal;
    reciprocal_: TensorMethod_reciprocal_;
    relu: TensorMethod_relu;
    relu_: TensorMethod_relu_;
    remainder: TensorMethod_remainder;
    remainder_: TensorMethod_remainder_;
    renorm: TensorMethod_renorm;
    renorm_: TensorMethod_renorm_;
    repeat: TensorMethod_repeat;
    repeat_interleave: TensorMethod_repeat_interleave;
    reshape: TensorMethod_reshape;
    reshape_as: TensorMethod_reshape_as;
    resize_: TensorMethod_resize_;
    resize_as_: TensorMethod_resize_as_;
    roll: TensorMethod_roll;
    rot90: TensorMethod_rot90;
    round: TensorMethod_round;
    round_: TensorMethod_round_;
    rsqrt: TensorMethod_rsqrt;
    rsqrt_: TensorMethod_rsqrt_;
    scatter: TensorMethod_scatter;
    scatter_: TensorMethod_scatter_;
    scatter_add: TensorMethod_scatter_add;
    scatter_add_: TensorMethod_scatter_add_;
    scatter_reduce: TensorMethod_scatter_reduce;
    scatter_reduce_: TensorMethod_scatter_reduce_;
    select: TensorMethod_select;
    select_scatter: TensorMethod_select_scatter;
    sgn: TensorMethod_sgn;
    sgn_: TensorMethod_sgn_;
    sigmoid: TensorMethod_sigmoid;
    sigmoid_: TensorMethod_sigmoid_;
    sign: TensorMethod_sign;
    sign_: TensorMethod_sign_;
    signbit: TensorMethod_signbit;
    sin: TensorMethod_sin;
    sin_: TensorMethod_sin_;
    sinc: TensorMethod_sinc;
    sinc_: TensorMethod_sinc_;
    sinh: TensorMethod_sinh;
    sinh_: TensorMethod_sinh_;
    slice_scatter: TensorMethod_slice_scatter;
    softmax: TensorMethod_softmax;
    sort: TensorMethod_sort;
    split: TensorMethod_split;
    split_with_sizes: TensorMethod_split_with_sizes;
    sqrt: TensorMethod_sqrt;
    sqrt_: TensorMethod_sqrt_;
    square: TensorMethod_square;
    square_: TensorMethod_square_;
    squeeze: TensorMethod_squeeze;
    squeeze_: TensorMethod_squeeze_;
    std: TensorMethod_std;
    sub: TensorMethod_sub;
    sub_: TensorMethod_sub_;
    subtract: TensorMethod_subtract;
    subtract_: TensorMethod_subtract_;
    sum: TensorMethod_sum;
    sum_to_size: TensorMethod_sum_to_size;
    swapaxes: TensorMethod_swapaxes;
    swapaxes_: TensorMethod_swapaxes_;
    swapdims: TensorMethod_swapdims;
    swapdims_: TensorMethod_swapdims_;
    symeig: TensorMethod_symeig;
    t: TensorMethod_t;
    t_: TensorMethod_t_;
    take: TensorMethod_take;
    take_along_dim: TensorMethod_take_along_dim;
    tan: TensorMethod_tan;
    tan_: TensorMethod_tan_;
    tanh: TensorMethod_tanh;
    tanh_: TensorMethod_tanh_;
    tensor_split: TensorMethod_tensor_split;
    tile: TensorMethod_tile;
    to: TensorMethod_to;
    topk: TensorMethod_topk;
    trace: TensorMethod_trace;
    transpose: TensorMethod_transpose;
    transpose_: TensorMethod_transpose_;
    tril: TensorMethod_tril;
    tril_: TensorMethod_tril_;
    triu: TensorMethod_triu;
    triu_: TensorMethod_triu_;
    true_divide: TensorMethod_true_divide;
    true_divide_: TensorMethod_true_divide_;
    trunc: TensorMethod_trunc;
    trunc_: TensorMethod_trunc_;
    type_as: TensorMethod_type_as;
    unbind: TensorMethod_unbind;
    unflatten: TensorMethod_unflatten;
    unfold: TensorMethod_unfold;
    uniform_: TensorMethod_uniform_;
    unique: TensorMethod_unique;
    unique_consecutive: TensorMethod_unique_consecutive;
    unsqueeze: TensorMethod_unsqueeze;
    unsqueeze_: TensorMethod_unsqueeze_;
    var: TensorMethod_var;
    view: TensorMethod_view;
    view_as: TensorMethod_view_as;
    vsplit: TensorMethod_vsplit;
    where: TensorMethod_where;
    xlogy: TensorMethod_xlogy;
    xlogy_: TensorMethod_xlogy_;
    zero_: TensorMethod_zero_;
    // </generated-methods>
    /** x[subs...] = value: one argument per Python subscript, the value last (`x.setitem(":", 0, v)`). */
    setitem(...subsAndValue: [...Subscript[], TensorOrScalar]): void;
    // not generated (not in signatures.json): conversions and value access, installed by methods.ts itself; the ops are in ops/<concept>.ts
    cpu(): Tensor;
    type(): string;
    type(d: DType | string): Tensor;
    float(): Tensor; double(): Tensor; half(): Tensor; bfloat16(): Tensor; long(): Tensor; int(): Tensor;
    short(): Tensor; char(): Tensor; byte(): Tensor; bool(): Tensor;
    is_contiguous(memory_format?: memory_format | { memory_format?: memory_format }): boolean;
    is_floating_point(): boolean;
    item(): number | boolean | bigint | ComplexScalar;
    tolist(): NestedScalars;
    backward(gradient?: Tensor | null | BackwardKeywords, options?: BackwardKeywords): void;
    get_device(): number;
    /** The conjugate transpose of a matrix (0-D: the tensor itself), PyTorch's attribute x.H. */
    readonly H: Tensor;
    /** The conjugate transpose of the last two dims, PyTorch's attribute x.mH. */
    readonly mH: Tensor;
    /** The real parts (a complex tensor's; a real tensor itself); assigning writes them in place. */
    real: Tensor;
    /** The imaginary parts of a complex tensor; assigning writes them in place. */
    imag: Tensor;
  }
}
export type { Tensor };

// <generated-method-types> each signature of each method, with every trailing run of its parameters also as an options object
export interface TensorMethod_abs {
  (): Tensor;
}
export interface TensorMethod_abs_ {
  (): Tensor;
}
export interface TensorMethod_absolute {
  (): Tensor;
}
export interface TensorMethod_absolute_ {
  (): Tensor;
}
export interface TensorMethod_acos {
  (): Tensor;
}
export interface TensorMethod_acos_ {
  (): Tensor;
}
export interface TensorMethod_acosh {
  (): Tensor;
}
export interface TensorMethod_acosh_ {
  (): Tensor;
}
export interface TensorMethod_add {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar | null }): Tensor;
}
export interface TensorMethod_add_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar | null }): Tensor;
}
export interface TensorMethod_addbmm {
  (kwargs: { batch1: Tensor; batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, kwargs: { batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, batch2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addbmm_ {
  (kwargs: { batch1: Tensor; batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, kwargs: { batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, batch2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addcdiv {
  (kwargs: { tensor1: Tensor; tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, kwargs: { tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, tensor2: Tensor, kwargs?: { value?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addcdiv_ {
  (kwargs: { tensor1: Tensor; tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, kwargs: { tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, tensor2: Tensor, kwargs?: { value?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addcmul {
  (kwargs: { tensor1: Tensor; tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, kwargs: { tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, tensor2: Tensor, kwargs?: { value?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addcmul_ {
  (kwargs: { tensor1: Tensor; tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, kwargs: { tensor2: Tensor; value?: Scalar | ComplexScalar }): Tensor;
  (tensor1: Tensor, tensor2: Tensor, kwargs?: { value?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addmm {
  (kwargs: { mat1: Tensor; mat2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat1: Tensor, kwargs: { mat2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat1: Tensor, mat2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addmm_ {
  (kwargs: { mat1: Tensor; mat2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat1: Tensor, kwargs: { mat2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat1: Tensor, mat2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addmv {
  (kwargs: { mat: Tensor; vec: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat: Tensor, kwargs: { vec: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat: Tensor, vec: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addmv_ {
  (kwargs: { mat: Tensor; vec: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat: Tensor, kwargs: { vec: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (mat: Tensor, vec: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addr {
  (kwargs: { vec1: Tensor; vec2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (vec1: Tensor, kwargs: { vec2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (vec1: Tensor, vec2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_addr_ {
  (kwargs: { vec1: Tensor; vec2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (vec1: Tensor, kwargs: { vec2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (vec1: Tensor, vec2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_adjoint {
  (): Tensor;
}
export interface TensorMethod_all {
  (): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor;
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor;
  (dim: number, keepdim?: boolean): Tensor;
}
export interface TensorMethod_allclose {
  (kwargs: { other: Tensor; rtol?: number; atol?: number; equal_nan?: boolean }): boolean;
  (other: Tensor, kwargs?: { rtol?: number; atol?: number; equal_nan?: boolean }): boolean;
  (other: Tensor, rtol?: number, kwargs?: { atol?: number; equal_nan?: boolean }): boolean;
  (other: Tensor, rtol?: number, atol?: number, kwargs?: { equal_nan?: boolean }): boolean;
  (other: Tensor, rtol?: number, atol?: number, equal_nan?: boolean): boolean;
}
export interface TensorMethod_amax {
  (kwargs?: { dim?: number | number | readonly number[]; keepdim?: boolean }): Tensor;
  (dim?: number | number | readonly number[], kwargs?: { keepdim?: boolean }): Tensor;
  (dim?: number | number | readonly number[], keepdim?: boolean): Tensor;
}
export interface TensorMethod_amin {
  (kwargs?: { dim?: number | number | readonly number[]; keepdim?: boolean }): Tensor;
  (dim?: number | number | readonly number[], kwargs?: { keepdim?: boolean }): Tensor;
  (dim?: number | number | readonly number[], keepdim?: boolean): Tensor;
}
export interface TensorMethod_aminmax {
  (kwargs?: { dim?: number | null; keepdim?: boolean }): Tensor[] & { min: Tensor; max: Tensor };
}
export interface TensorMethod_any {
  (): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor;
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor;
  (dim: number, keepdim?: boolean): Tensor;
}
export interface TensorMethod_arccos {
  (): Tensor;
}
export interface TensorMethod_arccos_ {
  (): Tensor;
}
export interface TensorMethod_arccosh {
  (): Tensor;
}
export interface TensorMethod_arccosh_ {
  (): Tensor;
}
export interface TensorMethod_arcsin {
  (): Tensor;
}
export interface TensorMethod_arcsin_ {
  (): Tensor;
}
export interface TensorMethod_arcsinh {
  (): Tensor;
}
export interface TensorMethod_arcsinh_ {
  (): Tensor;
}
export interface TensorMethod_arctan {
  (): Tensor;
}
export interface TensorMethod_arctan2 {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_arctan2_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_arctan_ {
  (): Tensor;
}
export interface TensorMethod_arctanh {
  (): Tensor;
}
export interface TensorMethod_arctanh_ {
  (): Tensor;
}
export interface TensorMethod_argmax {
  (kwargs?: { dim?: number | null; keepdim?: boolean }): Tensor;
  (dim?: number | null, kwargs?: { keepdim?: boolean }): Tensor;
  (dim?: number | null, keepdim?: boolean): Tensor;
}
export interface TensorMethod_argmin {
  (kwargs?: { dim?: number | null; keepdim?: boolean }): Tensor;
  (dim?: number | null, kwargs?: { keepdim?: boolean }): Tensor;
  (dim?: number | null, keepdim?: boolean): Tensor;
}
export interface TensorMethod_argsort {
  (kwargs?: { stable?: boolean; dim?: number; descending?: boolean }): Tensor;
  (kwargs?: { dim?: number; descending?: boolean }): Tensor;
  (dim?: number, kwargs?: { descending?: boolean }): Tensor;
  (dim?: number, descending?: boolean): Tensor;
}
export interface TensorMethod_argwhere {
  (): Tensor;
}
export interface TensorMethod_as_strided {
  (kwargs: { size: number | readonly number[]; stride: number | readonly number[]; storage_offset?: number | null }): Tensor;
  (size: number | readonly number[], kwargs: { stride: number | readonly number[]; storage_offset?: number | null }): Tensor;
  (size: number | readonly number[], stride: number | readonly number[], kwargs?: { storage_offset?: number | null }): Tensor;
  (size: number | readonly number[], stride: number | readonly number[], storage_offset?: number | null): Tensor;
}
export interface TensorMethod_as_strided_scatter {
  (kwargs: { src: Tensor; size: number | readonly number[]; stride: number | readonly number[]; storage_offset?: number | null }): Tensor;
  (src: Tensor, kwargs: { size: number | readonly number[]; stride: number | readonly number[]; storage_offset?: number | null }): Tensor;
  (src: Tensor, size: number | readonly number[], kwargs: { stride: number | readonly number[]; storage_offset?: number | null }): Tensor;
  (src: Tensor, size: number | readonly number[], stride: number | readonly number[], kwargs?: { storage_offset?: number | null }): Tensor;
  (src: Tensor, size: number | readonly number[], stride: number | readonly number[], storage_offset?: number | null): Tensor;
}
export interface TensorMethod_asin {
  (): Tensor;
}
export interface TensorMethod_asin_ {
  (): Tensor;
}
export interface TensorMethod_asinh {
  (): Tensor;
}
export interface TensorMethod_asinh_ {
  (): Tensor;
}
export interface TensorMethod_atan {
  (): Tensor;
}
export interface TensorMethod_atan2 {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_atan2_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_atan_ {
  (): Tensor;
}
export interface TensorMethod_atanh {
  (): Tensor;
}
export interface TensorMethod_atanh_ {
  (): Tensor;
}
export interface TensorMethod_baddbmm {
  (kwargs: { batch1: Tensor; batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, kwargs: { batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, batch2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_baddbmm_ {
  (kwargs: { batch1: Tensor; batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, kwargs: { batch2: Tensor; beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (batch1: Tensor, batch2: Tensor, kwargs?: { beta?: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_bernoulli {
  (kwargs?: { generator?: Generator | null }): Tensor;
  (kwargs: { p: number; generator?: Generator | null }): Tensor;
  (p: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_bernoulli_ {
  (kwargs: { p: Tensor; generator?: Generator | null }): Tensor;
  (p: Tensor, kwargs?: { generator?: Generator | null }): Tensor;
  (kwargs?: { p?: number; generator?: Generator | null }): Tensor;
  (p?: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_bincount {
  (kwargs?: { weights?: Tensor | null; minlength?: number }): Tensor;
  (weights?: Tensor | null, kwargs?: { minlength?: number }): Tensor;
  (weights?: Tensor | null, minlength?: number): Tensor;
}
export interface TensorMethod_bitwise_and {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_and_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_left_shift {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_left_shift_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_not {
  (): Tensor;
}
export interface TensorMethod_bitwise_not_ {
  (): Tensor;
}
export interface TensorMethod_bitwise_or {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_or_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_right_shift {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_right_shift_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_xor {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bitwise_xor_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_bmm {
  (kwargs: { mat2: Tensor }): Tensor;
  (mat2: Tensor): Tensor;
}
export interface TensorMethod_broadcast_to {
  (kwargs: { size: number | readonly number[] }): Tensor;
  (size: number | readonly number[]): Tensor;
  (...size: number[]): Tensor;
}
export interface TensorMethod_cdouble {
  (...args: unknown[]): Tensor;
}
export interface TensorMethod_ceil {
  (): Tensor;
}
export interface TensorMethod_ceil_ {
  (): Tensor;
}
export interface TensorMethod_cfloat {
  (...args: unknown[]): Tensor;
}
export interface TensorMethod_chunk {
  (kwargs: { chunks: number; dim?: number }): Tensor[];
  (chunks: number, kwargs?: { dim?: number }): Tensor[];
  (chunks: number, dim?: number): Tensor[];
}
export interface TensorMethod_clamp {
  (kwargs?: { min?: Tensor | null; max?: Tensor | null }): Tensor;
  (min?: Tensor | null, kwargs?: { max?: Tensor | null }): Tensor;
  (min?: Tensor | null, max?: Tensor | null): Tensor;
  (kwargs?: { min?: Scalar | ComplexScalar | null; max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, kwargs?: { max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, max?: Scalar | ComplexScalar | null): Tensor;
}
export interface TensorMethod_clamp_ {
  (kwargs?: { min?: Tensor | null; max?: Tensor | null }): Tensor;
  (min?: Tensor | null, kwargs?: { max?: Tensor | null }): Tensor;
  (min?: Tensor | null, max?: Tensor | null): Tensor;
  (kwargs?: { min?: Scalar | ComplexScalar | null; max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, kwargs?: { max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, max?: Scalar | ComplexScalar | null): Tensor;
}
export interface TensorMethod_clamp_max {
  (kwargs: { max: Tensor }): Tensor;
  (max: Tensor): Tensor;
  (kwargs: { max: Scalar | ComplexScalar }): Tensor;
  (max: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_clamp_max_ {
  (kwargs: { max: Tensor }): Tensor;
  (max: Tensor): Tensor;
  (kwargs: { max: Scalar | ComplexScalar }): Tensor;
  (max: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_clamp_min {
  (kwargs: { min: Tensor }): Tensor;
  (min: Tensor): Tensor;
  (kwargs: { min: Scalar | ComplexScalar }): Tensor;
  (min: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_clamp_min_ {
  (kwargs: { min: Tensor }): Tensor;
  (min: Tensor): Tensor;
  (kwargs: { min: Scalar | ComplexScalar }): Tensor;
  (min: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_clip {
  (kwargs?: { min?: Tensor | null; max?: Tensor | null }): Tensor;
  (min?: Tensor | null, kwargs?: { max?: Tensor | null }): Tensor;
  (min?: Tensor | null, max?: Tensor | null): Tensor;
  (kwargs?: { min?: Scalar | ComplexScalar | null; max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, kwargs?: { max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, max?: Scalar | ComplexScalar | null): Tensor;
}
export interface TensorMethod_clip_ {
  (kwargs?: { min?: Tensor | null; max?: Tensor | null }): Tensor;
  (min?: Tensor | null, kwargs?: { max?: Tensor | null }): Tensor;
  (min?: Tensor | null, max?: Tensor | null): Tensor;
  (kwargs?: { min?: Scalar | ComplexScalar | null; max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, kwargs?: { max?: Scalar | ComplexScalar | null }): Tensor;
  (min?: Scalar | ComplexScalar | null, max?: Scalar | ComplexScalar | null): Tensor;
}
export interface TensorMethod_clone {
  (kwargs?: { memory_format?: unknown }): Tensor;
}
export interface TensorMethod_conj_physical_ {
  (): Tensor;
}
export interface TensorMethod_contiguous {
  (kwargs?: { memory_format?: unknown }): Tensor;
  (memory_format?: unknown): Tensor;
}
export interface TensorMethod_copy_ {
  (kwargs: { other: Tensor; non_blocking?: boolean }): Tensor;
  (other: Tensor, kwargs?: { non_blocking?: boolean }): Tensor;
  (other: Tensor, non_blocking?: boolean): Tensor;
}
export interface TensorMethod_copysign {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_copysign_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_corrcoef {
  (): Tensor;
}
export interface TensorMethod_cos {
  (): Tensor;
}
export interface TensorMethod_cos_ {
  (): Tensor;
}
export interface TensorMethod_cosh {
  (): Tensor;
}
export interface TensorMethod_cosh_ {
  (): Tensor;
}
export interface TensorMethod_count_nonzero {
  (kwargs?: { dim?: number | null }): Tensor;
  (dim?: number | null): Tensor;
  (kwargs: { dim: number | readonly number[] }): Tensor;
  (dim: number | readonly number[]): Tensor;
  (...dim: number[]): Tensor;
}
export interface TensorMethod_cov {
  (kwargs?: { correction?: number; fweights?: Tensor | null; aweights?: Tensor | null }): Tensor;
}
export interface TensorMethod_cross {
  (kwargs: { other: Tensor; dim?: number | null }): Tensor;
  (other: Tensor, kwargs?: { dim?: number | null }): Tensor;
  (other: Tensor, dim?: number | null): Tensor;
}
export interface TensorMethod_cummax {
  (kwargs: { dim: number }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_cummin {
  (kwargs: { dim: number }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_cumprod {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_cumprod_ {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_cumsum {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_cumsum_ {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_deg2rad {
  (): Tensor;
}
export interface TensorMethod_deg2rad_ {
  (): Tensor;
}
export interface TensorMethod_diag {
  (kwargs?: { diagonal?: number }): Tensor;
  (diagonal?: number): Tensor;
}
export interface TensorMethod_diag_embed {
  (kwargs?: { offset?: number; dim1?: number; dim2?: number }): Tensor;
  (offset?: number, kwargs?: { dim1?: number; dim2?: number }): Tensor;
  (offset?: number, dim1?: number, kwargs?: { dim2?: number }): Tensor;
  (offset?: number, dim1?: number, dim2?: number): Tensor;
}
export interface TensorMethod_diagflat {
  (kwargs?: { offset?: number }): Tensor;
  (offset?: number): Tensor;
}
export interface TensorMethod_diagonal {
  (kwargs?: { offset?: number; dim1?: number; dim2?: number }): Tensor;
  (offset?: number, kwargs?: { dim1?: number; dim2?: number }): Tensor;
  (offset?: number, dim1?: number, kwargs?: { dim2?: number }): Tensor;
  (offset?: number, dim1?: number, dim2?: number): Tensor;
}
export interface TensorMethod_diagonal_scatter {
  (kwargs: { src: Tensor; offset?: number; dim1?: number; dim2?: number }): Tensor;
  (src: Tensor, kwargs?: { offset?: number; dim1?: number; dim2?: number }): Tensor;
  (src: Tensor, offset?: number, kwargs?: { dim1?: number; dim2?: number }): Tensor;
  (src: Tensor, offset?: number, dim1?: number, kwargs?: { dim2?: number }): Tensor;
  (src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
}
export interface TensorMethod_diff {
  (kwargs?: { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null }): Tensor;
  (n?: number, kwargs?: { dim?: number; prepend?: Tensor | null; append?: Tensor | null }): Tensor;
  (n?: number, dim?: number, kwargs?: { prepend?: Tensor | null; append?: Tensor | null }): Tensor;
  (n?: number, dim?: number, prepend?: Tensor | null, kwargs?: { append?: Tensor | null }): Tensor;
  (n?: number, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
}
export interface TensorMethod_digamma {
  (): Tensor;
}
export interface TensorMethod_digamma_ {
  (): Tensor;
}
export interface TensorMethod_dist {
  (kwargs: { other: Tensor; p?: Scalar | ComplexScalar }): Tensor;
  (other: Tensor, kwargs?: { p?: Scalar | ComplexScalar }): Tensor;
  (other: Tensor, p?: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_div {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; rounding_mode?: string | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { rounding_mode?: string | null }): Tensor;
}
export interface TensorMethod_div_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; rounding_mode?: string | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { rounding_mode?: string | null }): Tensor;
}
export interface TensorMethod_divide {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Tensor; rounding_mode?: string | null }): Tensor;
  (other: Tensor, kwargs?: { rounding_mode?: string | null }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar; rounding_mode?: string | null }): Tensor;
  (other: Scalar | ComplexScalar, kwargs?: { rounding_mode?: string | null }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_divide_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Tensor; rounding_mode?: string | null }): Tensor;
  (other: Tensor, kwargs?: { rounding_mode?: string | null }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar; rounding_mode?: string | null }): Tensor;
  (other: Scalar | ComplexScalar, kwargs?: { rounding_mode?: string | null }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_dot {
  (kwargs: { tensor: Tensor }): Tensor;
  (tensor: Tensor): Tensor;
}
export interface TensorMethod_dsplit {
  (kwargs: { sections: number }): Tensor[];
  (sections: number): Tensor[];
  (kwargs: { indices: number | readonly number[] }): Tensor[];
  (indices: number | readonly number[]): Tensor[];
  (...indices: number[]): Tensor[];
}
export interface TensorMethod_eq {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_eq_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_equal {
  (kwargs: { other: Tensor }): boolean;
  (other: Tensor): boolean;
}
export interface TensorMethod_erf {
  (): Tensor;
}
export interface TensorMethod_erf_ {
  (): Tensor;
}
export interface TensorMethod_erfc {
  (): Tensor;
}
export interface TensorMethod_erfc_ {
  (): Tensor;
}
export interface TensorMethod_erfinv {
  (): Tensor;
}
export interface TensorMethod_erfinv_ {
  (): Tensor;
}
export interface TensorMethod_exp {
  (): Tensor;
}
export interface TensorMethod_exp2 {
  (): Tensor;
}
export interface TensorMethod_exp2_ {
  (): Tensor;
}
export interface TensorMethod_exp_ {
  (): Tensor;
}
export interface TensorMethod_expand {
  (kwargs: { size: number | readonly number[]; implicit?: boolean }): Tensor;
  (size: number | readonly number[], kwargs?: { implicit?: boolean }): Tensor;
  (...implicit: number[]): Tensor;
}
export interface TensorMethod_expand_as {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_expm1 {
  (): Tensor;
}
export interface TensorMethod_expm1_ {
  (): Tensor;
}
export interface TensorMethod_exponential_ {
  (kwargs?: { lambd?: number; generator?: Generator | null }): Tensor;
  (lambd?: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_fill_ {
  (kwargs: { value: Tensor }): Tensor;
  (value: Tensor): Tensor;
  (kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_fill_diagonal_ {
  (kwargs: { fill_value: Scalar | ComplexScalar; wrap?: boolean }): Tensor;
  (fill_value: Scalar | ComplexScalar, kwargs?: { wrap?: boolean }): Tensor;
  (fill_value: Scalar | ComplexScalar, wrap?: boolean): Tensor;
}
export interface TensorMethod_fix {
  (): Tensor;
}
export interface TensorMethod_fix_ {
  (): Tensor;
}
export interface TensorMethod_flatten {
  (kwargs?: { start_dim?: number; end_dim?: number }): Tensor;
  (start_dim?: number, kwargs?: { end_dim?: number }): Tensor;
  (start_dim?: number, end_dim?: number): Tensor;
}
export interface TensorMethod_flip {
  (kwargs: { dims: number | readonly number[] }): Tensor;
  (dims: number | readonly number[]): Tensor;
  (...dims: number[]): Tensor;
}
export interface TensorMethod_fliplr {
  (): Tensor;
}
export interface TensorMethod_flipud {
  (): Tensor;
}
export interface TensorMethod_float_power {
  (kwargs: { exponent: Tensor }): Tensor;
  (exponent: Tensor): Tensor;
  (kwargs: { exponent: Scalar | ComplexScalar }): Tensor;
  (exponent: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_float_power_ {
  (kwargs: { exponent: Tensor }): Tensor;
  (exponent: Tensor): Tensor;
  (kwargs: { exponent: Scalar | ComplexScalar }): Tensor;
  (exponent: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_floor {
  (): Tensor;
}
export interface TensorMethod_floor_ {
  (): Tensor;
}
export interface TensorMethod_floor_divide {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_floor_divide_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_fmax {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_fmin {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_fmod {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_fmod_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_frac {
  (): Tensor;
}
export interface TensorMethod_frac_ {
  (): Tensor;
}
export interface TensorMethod_frexp {
  (): Tensor[] & { mantissa: Tensor; exponent: Tensor };
}
export interface TensorMethod_gather {
  (kwargs: { dim: number; index: Tensor; sparse_grad?: boolean }): Tensor;
  (dim: number, kwargs: { index: Tensor; sparse_grad?: boolean }): Tensor;
  (dim: number, index: Tensor, kwargs?: { sparse_grad?: boolean }): Tensor;
}
export interface TensorMethod_gcd {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_gcd_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_ge {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_ge_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_geqrf {
  (): Tensor[] & { a: Tensor; tau: Tensor };
}
export interface TensorMethod_ger {
  (kwargs: { vec2: Tensor }): Tensor;
  (vec2: Tensor): Tensor;
}
export interface TensorMethod_getitem {
  (...subs: Subscript[]): Tensor;
}
export interface TensorMethod_greater {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_greater_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_greater_equal {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_greater_equal_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_gt {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_gt_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_heaviside {
  (kwargs: { values: Tensor }): Tensor;
  (values: Tensor): Tensor;
}
export interface TensorMethod_heaviside_ {
  (kwargs: { values: Tensor }): Tensor;
  (values: Tensor): Tensor;
}
export interface TensorMethod_histc {
  (kwargs?: { bins?: number; min?: Scalar | ComplexScalar; max?: Scalar | ComplexScalar }): Tensor;
  (bins?: number, kwargs?: { min?: Scalar | ComplexScalar; max?: Scalar | ComplexScalar }): Tensor;
  (bins?: number, min?: Scalar | ComplexScalar, kwargs?: { max?: Scalar | ComplexScalar }): Tensor;
  (bins?: number, min?: Scalar | ComplexScalar, max?: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_histogram {
  (kwargs: { bins: Tensor; weight?: Tensor | null; density?: boolean }): Tensor[] & { hist: Tensor; bin_edges: Tensor };
  (bins: Tensor, kwargs?: { weight?: Tensor | null; density?: boolean }): Tensor[] & { hist: Tensor; bin_edges: Tensor };
  (kwargs?: { bins?: number; range?: readonly number[] | null; weight?: Tensor | null; density?: boolean }): Tensor[] & { hist: Tensor; bin_edges: Tensor };
  (bins?: number, kwargs?: { range?: readonly number[] | null; weight?: Tensor | null; density?: boolean }): Tensor[] & { hist: Tensor; bin_edges: Tensor };
}
export interface TensorMethod_hsplit {
  (kwargs: { sections: number }): Tensor[];
  (sections: number): Tensor[];
  (kwargs: { indices: number | readonly number[] }): Tensor[];
  (indices: number | readonly number[]): Tensor[];
  (...indices: number[]): Tensor[];
}
export interface TensorMethod_hypot {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_hypot_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_i0 {
  (): Tensor;
}
export interface TensorMethod_i0_ {
  (): Tensor;
}
export interface TensorMethod_igamma {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_igamma_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_igammac {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_igammac_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_index_add {
  (kwargs: { dim: number; index: Tensor; source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, source: Tensor, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_index_add_ {
  (kwargs: { dim: number; index: Tensor; source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, source: Tensor, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
}
export interface TensorMethod_index_copy {
  (kwargs: { dim: number; index: Tensor; source: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor }): Tensor;
  (dim: number, index: Tensor, source: Tensor): Tensor;
}
export interface TensorMethod_index_copy_ {
  (kwargs: { dim: number; index: Tensor; source: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor }): Tensor;
  (dim: number, index: Tensor, source: Tensor): Tensor;
}
export interface TensorMethod_index_fill {
  (kwargs: { dim: number; index: Tensor; value: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Tensor }): Tensor;
  (dim: number, index: Tensor, value: Tensor): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_index_fill_ {
  (kwargs: { dim: number; index: Tensor; value: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Tensor }): Tensor;
  (dim: number, index: Tensor, value: Tensor): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_index_put {
  (kwargs: { indices: readonly (Tensor | null)[] | null; values: Tensor; accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, kwargs: { values: Tensor; accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, values: Tensor, kwargs?: { accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, values: Tensor, accumulate?: boolean): Tensor;
}
export interface TensorMethod_index_put_ {
  (kwargs: { indices: readonly (Tensor | null)[] | null; values: Tensor; accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, kwargs: { values: Tensor; accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, values: Tensor, kwargs?: { accumulate?: boolean }): Tensor;
  (indices: readonly (Tensor | null)[] | null, values: Tensor, accumulate?: boolean): Tensor;
}
export interface TensorMethod_index_reduce {
  (kwargs: { dim: number; index: Tensor; source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, source: Tensor, kwargs: { reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, source: Tensor, reduce: string, kwargs?: { include_self?: boolean }): Tensor;
}
export interface TensorMethod_index_reduce_ {
  (kwargs: { dim: number; index: Tensor; source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, kwargs: { index: Tensor; source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, kwargs: { source: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, source: Tensor, kwargs: { reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, source: Tensor, reduce: string, kwargs?: { include_self?: boolean }): Tensor;
}
export interface TensorMethod_index_select {
  (kwargs: { dim: number; index: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor }): Tensor;
  (dim: number, index: Tensor): Tensor;
}
export interface TensorMethod_inner {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_is_nonzero {
  (): boolean;
}
export interface TensorMethod_is_same_size {
  (kwargs: { other: Tensor }): boolean;
  (other: Tensor): boolean;
}
export interface TensorMethod_is_signed {
  (): boolean;
}
export interface TensorMethod_isclose {
  (kwargs: { other: Tensor; rtol?: number; atol?: number; equal_nan?: boolean }): Tensor;
  (other: Tensor, kwargs?: { rtol?: number; atol?: number; equal_nan?: boolean }): Tensor;
  (other: Tensor, rtol?: number, kwargs?: { atol?: number; equal_nan?: boolean }): Tensor;
  (other: Tensor, rtol?: number, atol?: number, kwargs?: { equal_nan?: boolean }): Tensor;
  (other: Tensor, rtol?: number, atol?: number, equal_nan?: boolean): Tensor;
}
export interface TensorMethod_isfinite {
  (): Tensor;
}
export interface TensorMethod_isinf {
  (): Tensor;
}
export interface TensorMethod_isnan {
  (): Tensor;
}
export interface TensorMethod_isneginf {
  (): Tensor;
}
export interface TensorMethod_isposinf {
  (): Tensor;
}
export interface TensorMethod_isreal {
  (): Tensor;
}
export interface TensorMethod_kron {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_kthvalue {
  (kwargs: { k: number; dim?: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, kwargs?: { dim?: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, dim?: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, dim?: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_lcm {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_lcm_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_ldexp {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_ldexp_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_le {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_le_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_lerp {
  (kwargs: { end: Tensor; weight: Tensor }): Tensor;
  (end: Tensor, kwargs: { weight: Tensor }): Tensor;
  (end: Tensor, weight: Tensor): Tensor;
  (kwargs: { end: Tensor; weight: Scalar | ComplexScalar }): Tensor;
  (end: Tensor, kwargs: { weight: Scalar | ComplexScalar }): Tensor;
  (end: Tensor, weight: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_lerp_ {
  (kwargs: { end: Tensor; weight: Tensor }): Tensor;
  (end: Tensor, kwargs: { weight: Tensor }): Tensor;
  (end: Tensor, weight: Tensor): Tensor;
  (kwargs: { end: Tensor; weight: Scalar | ComplexScalar }): Tensor;
  (end: Tensor, kwargs: { weight: Scalar | ComplexScalar }): Tensor;
  (end: Tensor, weight: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_less {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_less_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_less_equal {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_less_equal_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_lgamma {
  (): Tensor;
}
export interface TensorMethod_lgamma_ {
  (): Tensor;
}
export interface TensorMethod_log {
  (): Tensor;
}
export interface TensorMethod_log10 {
  (): Tensor;
}
export interface TensorMethod_log10_ {
  (): Tensor;
}
export interface TensorMethod_log1p {
  (): Tensor;
}
export interface TensorMethod_log1p_ {
  (): Tensor;
}
export interface TensorMethod_log2 {
  (): Tensor;
}
export interface TensorMethod_log2_ {
  (): Tensor;
}
export interface TensorMethod_log_ {
  (): Tensor;
}
export interface TensorMethod_log_softmax {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
  (dim: number, dtype?: DType | null): Tensor;
}
export interface TensorMethod_logaddexp {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logaddexp2 {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logcumsumexp {
  (kwargs: { dim: number }): Tensor;
  (dim: number): Tensor;
}
export interface TensorMethod_logical_and {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logical_and_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logical_not {
  (): Tensor;
}
export interface TensorMethod_logical_not_ {
  (): Tensor;
}
export interface TensorMethod_logical_or {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logical_or_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logical_xor {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logical_xor_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_logit {
  (kwargs?: { eps?: number | null }): Tensor;
  (eps?: number | null): Tensor;
}
export interface TensorMethod_logit_ {
  (kwargs?: { eps?: number | null }): Tensor;
  (eps?: number | null): Tensor;
}
export interface TensorMethod_logsumexp {
  (kwargs: { dim: number | number | readonly number[]; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[], kwargs?: { keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[], keepdim?: boolean): Tensor;
}
export interface TensorMethod_lt {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_lt_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_lu {
  (kwargs?: { pivot?: boolean; get_infos?: boolean }): Tensor[];
  (pivot?: boolean, kwargs?: { get_infos?: boolean }): Tensor[];
  (pivot?: boolean, get_infos?: boolean): Tensor[];
}
export interface TensorMethod_lu_solve {
  (kwargs: { LU_data: Tensor; LU_pivots: Tensor }): Tensor;
  (LU_data: Tensor, kwargs: { LU_pivots: Tensor }): Tensor;
  (LU_data: Tensor, LU_pivots: Tensor): Tensor;
}
export interface TensorMethod_masked_fill {
  (kwargs: { mask: Tensor; value: Tensor }): Tensor;
  (mask: Tensor, kwargs: { value: Tensor }): Tensor;
  (mask: Tensor, value: Tensor): Tensor;
  (kwargs: { mask: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (mask: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (mask: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_masked_fill_ {
  (kwargs: { mask: Tensor; value: Tensor }): Tensor;
  (mask: Tensor, kwargs: { value: Tensor }): Tensor;
  (mask: Tensor, value: Tensor): Tensor;
  (kwargs: { mask: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (mask: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (mask: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_masked_scatter {
  (kwargs: { mask: Tensor; source: Tensor }): Tensor;
  (mask: Tensor, kwargs: { source: Tensor }): Tensor;
  (mask: Tensor, source: Tensor): Tensor;
}
export interface TensorMethod_masked_scatter_ {
  (kwargs: { mask: Tensor; source: Tensor }): Tensor;
  (mask: Tensor, kwargs: { source: Tensor }): Tensor;
  (mask: Tensor, source: Tensor): Tensor;
}
export interface TensorMethod_masked_select {
  (kwargs: { mask: Tensor }): Tensor;
  (mask: Tensor): Tensor;
}
export interface TensorMethod_matmul {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_max {
  (): Tensor;
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_maximum {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_maximum_ {
  (other: Tensor): Tensor;
}
export interface TensorMethod_mean {
  (kwargs?: { dtype?: DType | null }): Tensor;
  (kwargs: { dim: number | number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number | number | readonly number[] | null, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_median {
  (): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_min {
  (): Tensor;
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_minimum {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_minimum_ {
  (other: Tensor): Tensor;
}
export interface TensorMethod_mm {
  (kwargs: { mat2: Tensor }): Tensor;
  (mat2: Tensor): Tensor;
}
export interface TensorMethod_mode {
  (kwargs?: { dim?: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim?: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim?: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_moveaxis {
  (kwargs: { source: number; destination: number }): Tensor;
  (source: number, kwargs: { destination: number }): Tensor;
  (source: number, destination: number): Tensor;
  (kwargs: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
  (source: number | readonly number[], kwargs: { destination: number | readonly number[] }): Tensor;
  (source: number | readonly number[], destination: number | readonly number[]): Tensor;
}
export interface TensorMethod_movedim {
  (kwargs: { source: number; destination: number }): Tensor;
  (source: number, kwargs: { destination: number }): Tensor;
  (source: number, destination: number): Tensor;
  (kwargs: { source: number | readonly number[]; destination: number | readonly number[] }): Tensor;
  (source: number | readonly number[], kwargs: { destination: number | readonly number[] }): Tensor;
  (source: number | readonly number[], destination: number | readonly number[]): Tensor;
}
export interface TensorMethod_msort {
  (): Tensor;
}
export interface TensorMethod_mul {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_mul_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_multinomial {
  (kwargs: { num_samples: number; replacement?: boolean; generator?: Generator | null }): Tensor;
  (num_samples: number, kwargs?: { replacement?: boolean; generator?: Generator | null }): Tensor;
  (num_samples: number, replacement?: boolean, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_multiply {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_multiply_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_mv {
  (kwargs: { vec: Tensor }): Tensor;
  (vec: Tensor): Tensor;
}
export interface TensorMethod_mvlgamma {
  (kwargs: { p: number }): Tensor;
  (p: number): Tensor;
}
export interface TensorMethod_mvlgamma_ {
  (kwargs: { p: number }): Tensor;
  (p: number): Tensor;
}
export interface TensorMethod_nan_to_num {
  (kwargs?: { nan?: number | null; posinf?: number | null; neginf?: number | null }): Tensor;
  (nan?: number | null, kwargs?: { posinf?: number | null; neginf?: number | null }): Tensor;
  (nan?: number | null, posinf?: number | null, kwargs?: { neginf?: number | null }): Tensor;
  (nan?: number | null, posinf?: number | null, neginf?: number | null): Tensor;
}
export interface TensorMethod_nan_to_num_ {
  (kwargs?: { nan?: number | null; posinf?: number | null; neginf?: number | null }): Tensor;
  (nan?: number | null, kwargs?: { posinf?: number | null; neginf?: number | null }): Tensor;
  (nan?: number | null, posinf?: number | null, kwargs?: { neginf?: number | null }): Tensor;
  (nan?: number | null, posinf?: number | null, neginf?: number | null): Tensor;
}
export interface TensorMethod_nanmean {
  (kwargs?: { dim?: number | number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim?: number | number | readonly number[] | null, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim?: number | number | readonly number[] | null, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_nanmedian {
  (): Tensor;
  (kwargs: { dim: number; keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, kwargs?: { keepdim?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim: number, keepdim?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_nanquantile {
  (kwargs: { q: Tensor; dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, kwargs?: { dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, dim?: number | null, kwargs?: { keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, dim?: number | null, keepdim?: boolean, kwargs?: { interpolation?: string }): Tensor;
  (kwargs: { q: number; dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, kwargs?: { dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, dim?: number | null, kwargs?: { keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, dim?: number | null, keepdim?: boolean, kwargs?: { interpolation?: string }): Tensor;
}
export interface TensorMethod_nansum {
  (kwargs?: { dim?: number | number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim?: number | number | readonly number[] | null, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim?: number | number | readonly number[] | null, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_narrow {
  (kwargs: { dim: number; start: Tensor; length: number }): Tensor;
  (dim: number, kwargs: { start: Tensor; length: number }): Tensor;
  (dim: number, start: Tensor, kwargs: { length: number }): Tensor;
  (dim: number, start: Tensor, length: number): Tensor;
  (kwargs: { dim: number; start: number; length: number }): Tensor;
  (dim: number, kwargs: { start: number; length: number }): Tensor;
  (dim: number, start: number, kwargs: { length: number }): Tensor;
  (dim: number, start: number, length: number): Tensor;
}
export interface TensorMethod_narrow_copy {
  (kwargs: { dim: number; start: number; length: number }): Tensor;
  (dim: number, kwargs: { start: number; length: number }): Tensor;
  (dim: number, start: number, kwargs: { length: number }): Tensor;
  (dim: number, start: number, length: number): Tensor;
}
export interface TensorMethod_ndimension {
  (): number;
}
export interface TensorMethod_ne {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_ne_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_neg {
  (): Tensor;
}
export interface TensorMethod_neg_ {
  (): Tensor;
}
export interface TensorMethod_negative {
  (): Tensor;
}
export interface TensorMethod_negative_ {
  (): Tensor;
}
export interface TensorMethod_new_empty {
  (kwargs: { size: number | readonly number[]; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], kwargs?: { dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (...requires_grad: number[]): Tensor;
}
export interface TensorMethod_new_empty_strided {
  (kwargs: { size: number | readonly number[]; stride: number | readonly number[]; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], kwargs: { stride: number | readonly number[]; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], stride: number | readonly number[], kwargs?: { dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
}
export interface TensorMethod_new_full {
  (kwargs: { size: number | readonly number[]; fill_value: Scalar | ComplexScalar; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], kwargs: { fill_value: Scalar | ComplexScalar; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], fill_value: Scalar | ComplexScalar, kwargs?: { dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
}
export interface TensorMethod_new_ones {
  (kwargs: { size: number | readonly number[]; dtype?: DType | null; device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (size: number | readonly number[], kwargs?: { dtype?: DType | null; device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (size: number | readonly number[], dtype?: DType | null, kwargs?: { device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (size: number | readonly number[], dtype?: DType | null, device?: DeviceLike, kwargs?: { requires_grad?: boolean }): Tensor;
  (size: number | readonly number[], dtype?: DType | null, device?: DeviceLike, requires_grad?: boolean): Tensor;
  (kwargs: { size: number | readonly number[]; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], kwargs?: { dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (...requires_grad: number[]): Tensor;
}
export interface TensorMethod_new_tensor {
  (kwargs: { data: unknown; dtype?: DType | null; device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (data: unknown, kwargs?: { dtype?: DType | null; device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (data: unknown, dtype?: DType | null, kwargs?: { device?: DeviceLike; requires_grad?: boolean }): Tensor;
  (data: unknown, dtype?: DType | null, device?: DeviceLike, kwargs?: { requires_grad?: boolean }): Tensor;
  (data: unknown, dtype?: DType | null, device?: DeviceLike, requires_grad?: boolean): Tensor;
}
export interface TensorMethod_new_zeros {
  (kwargs: { size: number | readonly number[]; dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (size: number | readonly number[], kwargs?: { dtype?: DType | null; layout?: unknown; device?: DeviceLike | null; pin_memory?: boolean | null; requires_grad?: boolean | null }): Tensor;
  (...requires_grad: number[]): Tensor;
}
export interface TensorMethod_nextafter {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_nextafter_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_nonzero {
  (kwargs?: { as_tuple?: false }): Tensor;
  (kwargs?: { as_tuple?: true }): Tensor;
}
export interface TensorMethod_norm {
  (kwargs?: { p?: Scalar | string; dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (p?: Scalar | string, kwargs?: { dim?: number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (p?: Scalar | string, dim?: number | readonly number[] | null, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (p?: Scalar | string, dim?: number | readonly number[] | null, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
  (p?: Scalar | string, dim?: number | readonly number[] | null, keepdim?: boolean, dtype?: DType | null): Tensor;
}
export interface TensorMethod_normal_ {
  (kwargs?: { mean?: number; std?: number; generator?: Generator | null }): Tensor;
  (mean?: number, kwargs?: { std?: number; generator?: Generator | null }): Tensor;
  (mean?: number, std?: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_not_equal {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_not_equal_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_orgqr {
  (kwargs: { input2: Tensor }): Tensor;
  (input2: Tensor): Tensor;
}
export interface TensorMethod_ormqr {
  (kwargs: { input2: Tensor; input3: Tensor; left?: boolean; transpose?: boolean }): Tensor;
  (input2: Tensor, kwargs: { input3: Tensor; left?: boolean; transpose?: boolean }): Tensor;
  (input2: Tensor, input3: Tensor, kwargs?: { left?: boolean; transpose?: boolean }): Tensor;
  (input2: Tensor, input3: Tensor, left?: boolean, kwargs?: { transpose?: boolean }): Tensor;
  (input2: Tensor, input3: Tensor, left?: boolean, transpose?: boolean): Tensor;
}
export interface TensorMethod_outer {
  (kwargs: { vec2: Tensor }): Tensor;
  (vec2: Tensor): Tensor;
}
export interface TensorMethod_permute {
  (kwargs: { dims: number | readonly number[] }): Tensor;
  (dims: number | readonly number[]): Tensor;
  (...dims: number[]): Tensor;
}
export interface TensorMethod_polygamma {
  (kwargs: { n: number }): Tensor;
  (n: number): Tensor;
}
export interface TensorMethod_polygamma_ {
  (kwargs: { n: number }): Tensor;
  (n: number): Tensor;
}
export interface TensorMethod_positive {
  (): Tensor;
}
export interface TensorMethod_pow {
  (kwargs: { exponent: Tensor }): Tensor;
  (exponent: Tensor): Tensor;
  (kwargs: { exponent: Scalar | ComplexScalar }): Tensor;
  (exponent: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_pow_ {
  (kwargs: { exponent: Tensor }): Tensor;
  (exponent: Tensor): Tensor;
  (kwargs: { exponent: Scalar | ComplexScalar }): Tensor;
  (exponent: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_prod {
  (kwargs?: { dtype?: DType | null }): Tensor;
  (kwargs: { dim: number; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_put {
  (kwargs: { index: Tensor; source: Tensor; accumulate?: boolean }): Tensor;
  (index: Tensor, kwargs: { source: Tensor; accumulate?: boolean }): Tensor;
  (index: Tensor, source: Tensor, kwargs?: { accumulate?: boolean }): Tensor;
  (index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
}
export interface TensorMethod_put_ {
  (kwargs: { index: Tensor; source: Tensor; accumulate?: boolean }): Tensor;
  (index: Tensor, kwargs: { source: Tensor; accumulate?: boolean }): Tensor;
  (index: Tensor, source: Tensor, kwargs?: { accumulate?: boolean }): Tensor;
  (index: Tensor, source: Tensor, accumulate?: boolean): Tensor;
}
export interface TensorMethod_quantile {
  (kwargs: { q: Tensor; dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, kwargs?: { dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, dim?: number | null, kwargs?: { keepdim?: boolean; interpolation?: string }): Tensor;
  (q: Tensor, dim?: number | null, keepdim?: boolean, kwargs?: { interpolation?: string }): Tensor;
  (kwargs: { q: number; dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, kwargs?: { dim?: number | null; keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, dim?: number | null, kwargs?: { keepdim?: boolean; interpolation?: string }): Tensor;
  (q: number, dim?: number | null, keepdim?: boolean, kwargs?: { interpolation?: string }): Tensor;
}
export interface TensorMethod_rad2deg {
  (): Tensor;
}
export interface TensorMethod_rad2deg_ {
  (): Tensor;
}
export interface TensorMethod_random_ {
  (kwargs?: { generator?: Generator | null }): Tensor;
  (kwargs: { from: number; to: number | null; generator?: Generator | null }): Tensor;
  (from: number, kwargs: { to: number | null; generator?: Generator | null }): Tensor;
  (from: number, to: number | null, kwargs?: { generator?: Generator | null }): Tensor;
  (kwargs: { to: number; generator?: Generator | null }): Tensor;
  (to: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_ravel {
  (): Tensor;
}
export interface TensorMethod_reciprocal {
  (): Tensor;
}
export interface TensorMethod_reciprocal_ {
  (): Tensor;
}
export interface TensorMethod_relu {
  (): Tensor;
}
export interface TensorMethod_relu_ {
  (): Tensor;
}
export interface TensorMethod_remainder {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_remainder_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_renorm {
  (kwargs: { p: Scalar | ComplexScalar; dim: number; maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, kwargs: { dim: number; maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, dim: number, kwargs: { maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, dim: number, maxnorm: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_renorm_ {
  (kwargs: { p: Scalar | ComplexScalar; dim: number; maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, kwargs: { dim: number; maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, dim: number, kwargs: { maxnorm: Scalar | ComplexScalar }): Tensor;
  (p: Scalar | ComplexScalar, dim: number, maxnorm: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_repeat {
  (kwargs: { repeats: number | readonly number[] }): Tensor;
  (repeats: number | readonly number[]): Tensor;
  (...repeats: number[]): Tensor;
}
export interface TensorMethod_repeat_interleave {
  (kwargs: { repeats: Tensor; dim?: number | null; output_size?: number | null }): Tensor;
  (repeats: Tensor, kwargs?: { dim?: number | null; output_size?: number | null }): Tensor;
  (repeats: Tensor, dim?: number | null, kwargs?: { output_size?: number | null }): Tensor;
  (kwargs: { repeats: number; dim?: number | null; output_size?: number | null }): Tensor;
  (repeats: number, kwargs?: { dim?: number | null; output_size?: number | null }): Tensor;
  (repeats: number, dim?: number | null, kwargs?: { output_size?: number | null }): Tensor;
}
export interface TensorMethod_reshape {
  (kwargs: { shape: number | readonly number[] }): Tensor;
  (shape: number | readonly number[]): Tensor;
  (...shape: number[]): Tensor;
}
export interface TensorMethod_reshape_as {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_resize_ {
  (kwargs: { size: number | readonly number[]; memory_format?: unknown }): Tensor;
  (size: number | readonly number[], kwargs?: { memory_format?: unknown }): Tensor;
  (...memory_format: number[]): Tensor;
}
export interface TensorMethod_resize_as_ {
  (kwargs: { the_template: Tensor; memory_format?: unknown }): Tensor;
  (the_template: Tensor, kwargs?: { memory_format?: unknown }): Tensor;
}
export interface TensorMethod_roll {
  (kwargs: { shifts: number | number | readonly number[]; dims?: number | number | readonly number[] }): Tensor;
  (shifts: number | number | readonly number[], kwargs?: { dims?: number | number | readonly number[] }): Tensor;
  (shifts: number | number | readonly number[], dims?: number | number | readonly number[]): Tensor;
}
export interface TensorMethod_rot90 {
  (kwargs?: { k?: number; dims?: number | readonly number[] }): Tensor;
  (k?: number, kwargs?: { dims?: number | readonly number[] }): Tensor;
  (k?: number, dims?: number | readonly number[]): Tensor;
}
export interface TensorMethod_round {
  (): Tensor;
  (kwargs?: { decimals?: number }): Tensor;
}
export interface TensorMethod_round_ {
  (): Tensor;
  (kwargs?: { decimals?: number }): Tensor;
}
export interface TensorMethod_rsqrt {
  (): Tensor;
}
export interface TensorMethod_rsqrt_ {
  (): Tensor;
}
export interface TensorMethod_scatter {
  (kwargs: { dim: number; index: Tensor; src: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor }): Tensor;
  (dim: number, index: Tensor, src: Tensor): Tensor;
  (kwargs: { dim: number; index: Tensor; src: Tensor; reduce?: string }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor; reduce?: string }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor; reduce?: string }): Tensor;
  (dim: number, index: Tensor, src: Tensor, kwargs?: { reduce?: string }): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar, kwargs?: { reduce?: string }): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_scatter_ {
  (kwargs: { dim: number; index: Tensor; src: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor }): Tensor;
  (dim: number, index: Tensor, src: Tensor): Tensor;
  (kwargs: { dim: number; index: Tensor; src: Tensor; reduce?: string }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor; reduce?: string }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor; reduce?: string }): Tensor;
  (dim: number, index: Tensor, src: Tensor, kwargs?: { reduce?: string }): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar; reduce?: string }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar, kwargs?: { reduce?: string }): Tensor;
  (kwargs: { dim: number; index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, kwargs: { index: Tensor; value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, kwargs: { value: Scalar | ComplexScalar }): Tensor;
  (dim: number, index: Tensor, value: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_scatter_add {
  (kwargs: { dim: number; index: Tensor; src: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor }): Tensor;
  (dim: number, index: Tensor, src: Tensor): Tensor;
}
export interface TensorMethod_scatter_add_ {
  (kwargs: { dim: number; index: Tensor; src: Tensor }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor }): Tensor;
  (dim: number, index: Tensor, src: Tensor): Tensor;
}
export interface TensorMethod_scatter_reduce {
  (kwargs: { dim: number; index: Tensor; src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, src: Tensor, kwargs: { reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, src: Tensor, reduce: string, kwargs?: { include_self?: boolean }): Tensor;
}
export interface TensorMethod_scatter_reduce_ {
  (kwargs: { dim: number; index: Tensor; src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, kwargs: { index: Tensor; src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, kwargs: { src: Tensor; reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, src: Tensor, kwargs: { reduce: string; include_self?: boolean }): Tensor;
  (dim: number, index: Tensor, src: Tensor, reduce: string, kwargs?: { include_self?: boolean }): Tensor;
}
export interface TensorMethod_select {
  (kwargs: { dim: number; index: number }): Tensor;
  (dim: number, kwargs: { index: number }): Tensor;
  (dim: number, index: number): Tensor;
}
export interface TensorMethod_select_scatter {
  (kwargs: { src: Tensor; dim: number; index: number }): Tensor;
  (src: Tensor, kwargs: { dim: number; index: number }): Tensor;
  (src: Tensor, dim: number, kwargs: { index: number }): Tensor;
  (src: Tensor, dim: number, index: number): Tensor;
}
export interface TensorMethod_sgn {
  (): Tensor;
}
export interface TensorMethod_sgn_ {
  (): Tensor;
}
export interface TensorMethod_sigmoid {
  (): Tensor;
}
export interface TensorMethod_sigmoid_ {
  (): Tensor;
}
export interface TensorMethod_sign {
  (): Tensor;
}
export interface TensorMethod_sign_ {
  (): Tensor;
}
export interface TensorMethod_signbit {
  (): Tensor;
}
export interface TensorMethod_sin {
  (): Tensor;
}
export interface TensorMethod_sin_ {
  (): Tensor;
}
export interface TensorMethod_sinc {
  (): Tensor;
}
export interface TensorMethod_sinc_ {
  (): Tensor;
}
export interface TensorMethod_sinh {
  (): Tensor;
}
export interface TensorMethod_sinh_ {
  (): Tensor;
}
export interface TensorMethod_slice_scatter {
  (kwargs: { src: Tensor; dim?: number; start?: number | null; end?: number | null; step?: number }): Tensor;
  (src: Tensor, kwargs?: { dim?: number; start?: number | null; end?: number | null; step?: number }): Tensor;
  (src: Tensor, dim?: number, kwargs?: { start?: number | null; end?: number | null; step?: number }): Tensor;
  (src: Tensor, dim?: number, start?: number | null, kwargs?: { end?: number | null; step?: number }): Tensor;
  (src: Tensor, dim?: number, start?: number | null, end?: number | null, kwargs?: { step?: number }): Tensor;
  (src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
}
export interface TensorMethod_softmax {
  (kwargs: { dim: number; dtype?: DType | null }): Tensor;
  (dim: number, kwargs?: { dtype?: DType | null }): Tensor;
  (dim: number, dtype?: DType | null): Tensor;
}
export interface TensorMethod_sort {
  (kwargs?: { stable?: boolean | null; dim?: number; descending?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (kwargs?: { dim?: number; descending?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim?: number, kwargs?: { descending?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (dim?: number, descending?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_split {
  (kwargs: { split_size: number | readonly number[]; dim?: number }): Tensor[];
  (split_size: number | readonly number[], kwargs?: { dim?: number }): Tensor[];
  (split_size: number | readonly number[], dim?: number): Tensor[];
}
export interface TensorMethod_split_with_sizes {
  (kwargs: { split_sizes: number | readonly number[]; dim?: number }): Tensor[];
  (split_sizes: number | readonly number[], kwargs?: { dim?: number }): Tensor[];
  (split_sizes: number | readonly number[], dim?: number): Tensor[];
}
export interface TensorMethod_sqrt {
  (): Tensor;
}
export interface TensorMethod_sqrt_ {
  (): Tensor;
}
export interface TensorMethod_square {
  (): Tensor;
}
export interface TensorMethod_square_ {
  (): Tensor;
}
export interface TensorMethod_squeeze {
  (): Tensor;
  (kwargs: { dim: number }): Tensor;
  (dim: number): Tensor;
}
export interface TensorMethod_squeeze_ {
  (): Tensor;
  (kwargs: { dim: number }): Tensor;
  (dim: number): Tensor;
}
export interface TensorMethod_std {
  (kwargs: { dim: number | number | readonly number[] | null; correction?: number | null; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { correction?: number | null; keepdim?: boolean }): Tensor;
  (kwargs: { dim: number | number | readonly number[] | null; unbiased?: boolean; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, unbiased?: boolean, kwargs?: { keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, unbiased?: boolean, keepdim?: boolean): Tensor;
  (kwargs?: { unbiased?: boolean }): Tensor;
  (unbiased?: boolean): Tensor;
}
export interface TensorMethod_sub {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar | null }): Tensor;
}
export interface TensorMethod_sub_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar | null }): Tensor;
  (other: Tensor | Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar | null }): Tensor;
}
export interface TensorMethod_subtract {
  (kwargs: { other: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Tensor, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar, alpha?: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_subtract_ {
  (kwargs: { other: Tensor; alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Tensor, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
  (kwargs: { other: Scalar | ComplexScalar; alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar, kwargs?: { alpha?: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar, alpha?: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_sum {
  (kwargs?: { dtype?: DType | null }): Tensor;
  (kwargs: { dim: number | number | readonly number[] | null; keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { keepdim?: boolean; dtype?: DType | null }): Tensor;
  (dim: number | number | readonly number[] | null, keepdim?: boolean, kwargs?: { dtype?: DType | null }): Tensor;
}
export interface TensorMethod_sum_to_size {
  (kwargs: { size: number | readonly number[] }): Tensor;
  (size: number | readonly number[]): Tensor;
  (...size: number[]): Tensor;
}
export interface TensorMethod_swapaxes {
  (kwargs: { axis0: number; axis1: number }): Tensor;
  (axis0: number, kwargs: { axis1: number }): Tensor;
  (axis0: number, axis1: number): Tensor;
}
export interface TensorMethod_swapaxes_ {
  (kwargs: { axis0: number; axis1: number }): Tensor;
  (axis0: number, kwargs: { axis1: number }): Tensor;
  (axis0: number, axis1: number): Tensor;
}
export interface TensorMethod_swapdims {
  (kwargs: { dim0: number; dim1: number }): Tensor;
  (dim0: number, kwargs: { dim1: number }): Tensor;
  (dim0: number, dim1: number): Tensor;
}
export interface TensorMethod_swapdims_ {
  (kwargs: { dim0: number; dim1: number }): Tensor;
  (dim0: number, kwargs: { dim1: number }): Tensor;
  (dim0: number, dim1: number): Tensor;
}
export interface TensorMethod_symeig {
  (kwargs?: { eigenvectors?: boolean; upper?: boolean }): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
  (eigenvectors?: boolean, kwargs?: { upper?: boolean }): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
  (eigenvectors?: boolean, upper?: boolean): Tensor[] & { eigenvalues: Tensor; eigenvectors: Tensor };
}
export interface TensorMethod_t {
  (): Tensor;
}
export interface TensorMethod_t_ {
  (): Tensor;
}
export interface TensorMethod_take {
  (kwargs: { index: Tensor }): Tensor;
  (index: Tensor): Tensor;
}
export interface TensorMethod_take_along_dim {
  (kwargs: { indices: Tensor; dim?: number | null }): Tensor;
  (indices: Tensor, kwargs?: { dim?: number | null }): Tensor;
  (indices: Tensor, dim?: number | null): Tensor;
}
export interface TensorMethod_tan {
  (): Tensor;
}
export interface TensorMethod_tan_ {
  (): Tensor;
}
export interface TensorMethod_tanh {
  (): Tensor;
}
export interface TensorMethod_tanh_ {
  (): Tensor;
}
export interface TensorMethod_tensor_split {
  (kwargs: { tensor_indices_or_sections: Tensor; dim?: number }): Tensor[];
  (tensor_indices_or_sections: Tensor, kwargs?: { dim?: number }): Tensor[];
  (tensor_indices_or_sections: Tensor, dim?: number): Tensor[];
  (kwargs: { sections: number; dim?: number }): Tensor[];
  (sections: number, kwargs?: { dim?: number }): Tensor[];
  (sections: number, dim?: number): Tensor[];
  (kwargs: { indices: number | readonly number[]; dim?: number }): Tensor[];
  (indices: number | readonly number[], kwargs?: { dim?: number }): Tensor[];
  (indices: number | readonly number[], dim?: number): Tensor[];
}
export interface TensorMethod_tile {
  (kwargs: { dims: number | readonly number[] }): Tensor;
  (dims: number | readonly number[]): Tensor;
  (...dims: number[]): Tensor;
}
export interface TensorMethod_to {
  (kwargs: { dtype: DType; non_blocking?: boolean; copy?: boolean }): Tensor;
  (dtype: DType, kwargs?: { non_blocking?: boolean; copy?: boolean }): Tensor;
  (dtype: DType, non_blocking?: boolean, kwargs?: { copy?: boolean }): Tensor;
  (dtype: DType, non_blocking?: boolean, copy?: boolean): Tensor;
  (kwargs?: { device?: DeviceLike | string | null; dtype?: DType | null; non_blocking?: boolean; copy?: boolean }): Tensor;
  (device?: DeviceLike | string | null, kwargs?: { dtype?: DType | null; non_blocking?: boolean; copy?: boolean }): Tensor;
  (device?: DeviceLike | string | null, dtype?: DType | null, kwargs?: { non_blocking?: boolean; copy?: boolean }): Tensor;
  (device?: DeviceLike | string | null, dtype?: DType | null, non_blocking?: boolean, kwargs?: { copy?: boolean }): Tensor;
  (device?: DeviceLike | string | null, dtype?: DType | null, non_blocking?: boolean, copy?: boolean): Tensor;
  (kwargs: { other: Tensor; non_blocking?: boolean; copy?: boolean }): Tensor;
  (other: Tensor, kwargs?: { non_blocking?: boolean; copy?: boolean }): Tensor;
  (other: Tensor, non_blocking?: boolean, kwargs?: { copy?: boolean }): Tensor;
  (other: Tensor, non_blocking?: boolean, copy?: boolean): Tensor;
}
export interface TensorMethod_topk {
  (kwargs: { k: number; dim?: number; largest?: boolean; sorted?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, kwargs?: { dim?: number; largest?: boolean; sorted?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, dim?: number, kwargs?: { largest?: boolean; sorted?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, dim?: number, largest?: boolean, kwargs?: { sorted?: boolean }): Tensor[] & { values: Tensor; indices: Tensor };
  (k: number, dim?: number, largest?: boolean, sorted?: boolean): Tensor[] & { values: Tensor; indices: Tensor };
}
export interface TensorMethod_trace {
  (): Tensor;
}
export interface TensorMethod_transpose {
  (kwargs: { dim0: number; dim1: number }): Tensor;
  (dim0: number, kwargs: { dim1: number }): Tensor;
  (dim0: number, dim1: number): Tensor;
}
export interface TensorMethod_transpose_ {
  (kwargs: { dim0: number; dim1: number }): Tensor;
  (dim0: number, kwargs: { dim1: number }): Tensor;
  (dim0: number, dim1: number): Tensor;
}
export interface TensorMethod_tril {
  (kwargs?: { diagonal?: number }): Tensor;
  (diagonal?: number): Tensor;
}
export interface TensorMethod_tril_ {
  (kwargs?: { diagonal?: number }): Tensor;
  (diagonal?: number): Tensor;
}
export interface TensorMethod_triu {
  (kwargs?: { diagonal?: number }): Tensor;
  (diagonal?: number): Tensor;
}
export interface TensorMethod_triu_ {
  (kwargs?: { diagonal?: number }): Tensor;
  (diagonal?: number): Tensor;
}
export interface TensorMethod_true_divide {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_true_divide_ {
  (kwargs: { other: Tensor | Scalar | ComplexScalar }): Tensor;
  (other: Tensor | Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_trunc {
  (): Tensor;
}
export interface TensorMethod_trunc_ {
  (): Tensor;
}
export interface TensorMethod_type_as {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_unbind {
  (kwargs?: { dim?: number }): Tensor[];
  (dim?: number): Tensor[];
}
export interface TensorMethod_unflatten {
  (kwargs: { dim: number | readonly number[]; sizes: number | readonly number[] }): Tensor;
  (dim: number | readonly number[], kwargs: { sizes: number | readonly number[] }): Tensor;
  (dim: number | readonly number[], sizes: number | readonly number[]): Tensor;
}
export interface TensorMethod_unfold {
  (kwargs: { dimension: number; size: number; step: number }): Tensor;
  (dimension: number, kwargs: { size: number; step: number }): Tensor;
  (dimension: number, size: number, kwargs: { step: number }): Tensor;
  (dimension: number, size: number, step: number): Tensor;
}
export interface TensorMethod_uniform_ {
  (kwargs?: { from?: number; to?: number; generator?: Generator | null }): Tensor;
  (from?: number, kwargs?: { to?: number; generator?: Generator | null }): Tensor;
  (from?: number, to?: number, kwargs?: { generator?: Generator | null }): Tensor;
}
export interface TensorMethod_unique {
  (kwargs?: { sorted?: boolean; return_inverse?: boolean; return_counts?: boolean; dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (sorted?: boolean, kwargs?: { return_inverse?: boolean; return_counts?: boolean; dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (sorted?: boolean, return_inverse?: boolean, kwargs?: { return_counts?: boolean; dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (sorted?: boolean, return_inverse?: boolean, return_counts?: boolean, kwargs?: { dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (sorted?: boolean, return_inverse?: boolean, return_counts?: boolean, dim?: number | readonly number[] | null): Tensor | Tensor[];
}
export interface TensorMethod_unique_consecutive {
  (kwargs?: { return_inverse?: boolean; return_counts?: boolean; dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (return_inverse?: boolean, kwargs?: { return_counts?: boolean; dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (return_inverse?: boolean, return_counts?: boolean, kwargs?: { dim?: number | readonly number[] | null }): Tensor | Tensor[];
  (return_inverse?: boolean, return_counts?: boolean, dim?: number | readonly number[] | null): Tensor | Tensor[];
}
export interface TensorMethod_unsqueeze {
  (kwargs: { dim: number }): Tensor;
  (dim: number): Tensor;
}
export interface TensorMethod_unsqueeze_ {
  (kwargs: { dim: number }): Tensor;
  (dim: number): Tensor;
}
export interface TensorMethod_var {
  (kwargs: { dim: number | number | readonly number[] | null; correction?: number | null; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { correction?: number | null; keepdim?: boolean }): Tensor;
  (kwargs: { dim: number | number | readonly number[] | null; unbiased?: boolean; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, kwargs?: { unbiased?: boolean; keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, unbiased?: boolean, kwargs?: { keepdim?: boolean }): Tensor;
  (dim: number | number | readonly number[] | null, unbiased?: boolean, keepdim?: boolean): Tensor;
  (kwargs?: { unbiased?: boolean }): Tensor;
  (unbiased?: boolean): Tensor;
}
export interface TensorMethod_view {
  (kwargs: { dtype: DType }): Tensor;
  (dtype: DType): Tensor;
  (kwargs: { size: number | readonly number[] }): Tensor;
  (size: number | readonly number[]): Tensor;
  (...size: number[]): Tensor;
}
export interface TensorMethod_view_as {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
}
export interface TensorMethod_vsplit {
  (kwargs: { sections: number }): Tensor[];
  (sections: number): Tensor[];
  (kwargs: { indices: number | readonly number[] }): Tensor[];
  (indices: number | readonly number[]): Tensor[];
  (...indices: number[]): Tensor[];
}
export interface TensorMethod_where {
  (kwargs: { condition: Tensor; other: Tensor }): Tensor;
  (condition: Tensor, kwargs: { other: Tensor }): Tensor;
  (condition: Tensor, other: Tensor): Tensor;
}
export interface TensorMethod_xlogy {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_xlogy_ {
  (kwargs: { other: Tensor }): Tensor;
  (other: Tensor): Tensor;
  (kwargs: { other: Scalar | ComplexScalar }): Tensor;
  (other: Scalar | ComplexScalar): Tensor;
}
export interface TensorMethod_zero_ {
  (): Tensor;
}
// </generated-method-types>

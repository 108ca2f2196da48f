// torch.fft: the namespace's functions under PyTorch's names (implemented in fft.ts).
export {
  fft,
  ifft,
  rfft,
  irfft,
  hfft,
  ihfft,
  fft2,
  ifft2,
  rfft2,
  irfft2,
  fftn,
  ifftn,
  rfftn,
  irfftn,
  fftshift,
  ifftshift,
  fftfreq,
  rfftfreq,
} from "./fft.js";
export { hfft2, hfftn, ihfft2, ihfftn } from "./fft_hermitian_nd.js";

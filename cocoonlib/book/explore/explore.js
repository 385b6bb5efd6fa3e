// The Explore page's redraw: the body of a Bokeh CustomJS callback (cocoonlib/explore_page.py), run when the page
// is ready and at every move of a control. Arguments: data (cocoonlib.book.explore.explore_data, as embedded), widgets
// (the controls by name), sources (the ColumnDataSources by name), numbers_id (the id of the page's table of numbers).
// It is cocoonlib.book.explore.evaluate, step by step; the book's tests compare both with cocoonlib.
const t0 = performance.now();
const C = data.controls;
const chi0 = widgets.chi0.value;
const iR0 = widgets.R0.value;
const R0_GV = C.R0_TV[iR0] * C.TEV_GEV;
const formKey = widgets.form.value;
const form = C.forms[formKey];
const model = widgets.production_model.value;
const norm = widgets.source_normalisation.value;
// the transport sea depends on the transport, which source_normalisation = 'sea' takes from B/C (explore.dge_key)
const seaKey = norm === "sea" && widgets.cr_sea.value === "transport" ? "transport-sea" : widgets.cr_sea.value;
const dgeKey = [seaKey, widgets.gas_model.value, widgets.dge_production_model.value].join("|");
// factors on the injection of protons and helium (explore.cocoon_emissivity's scale)
const scale = C.injection_scale[norm];

// chi_c(R) [g cm^-2] of cocoonlib.source.grammage (R in GV)
const Rcut_GV = form.R_cut * C.TEV_GEV;
function chi(R) {
  if (form.model === "exponential") return chi0 * Math.exp(-R / R0_GV);
  const c = chi0 / (1.0 + Math.pow(R / R0_GV, form.delta));
  return form.model === "advection_diffusion_cutoff" ? c * Math.exp(-R / Rcut_GV) : c;
}

// M @ v for a matrix stored as rows of its non-zero band (cocoonlib.book.explore._band)
function bandMatvec(B, v) {
  const n = B.shape[0];
  const out = new Float64Array(n);
  const start = B.start, stop = B.stop, offset = B.offset, values = B.values;
  for (let i = 0; i < n; i++) {
    let s = 0.0;
    let k = offset[i];
    for (let j = start[i]; j < stop[i]; j++) s += values[k++] * v[j];
    out[i] = s;
  }
  return out;
}

function dot(a, b) {
  let s = 0.0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

// Q(E) of one cocoon: sum over channels of M (w chi(R)); Kelner below 100 GeV: n-tilde times the delta approximation
function emissivity(op) {
  let Q = null;
  for (const ch of op.channels) {
    const v = new Float64Array(ch.w.length);
    const f = scale[ch.name.split("-")[0] === "p" ? "H" : "He"];
    for (let j = 0; j < v.length; j++) v[j] = ch.w[j] * chi(ch.R_GV[j]) * f;
    const q = bandMatvec(op.matrices[ch.matrix], v);
    const d = op.delta;
    if (d !== null) {
      const den = dot(d.delta_100, v);
      const nTilde = den > 0 ? dot(d.full_100, v) / den : 1.0;
      const qd = bandMatvec(d.matrix, v);
      for (let r = 0; r < d.rows.length; r++) q[d.rows[r]] = nTilde * qd[r];
    }
    if (Q === null) Q = q;
    else for (let i = 0; i < Q.length; i++) Q[i] += q[i];
  }
  return Q;
}

function product(a, b) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
  return out;
}

function sum(a, b) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

// the columns of a figure's source: cocoons, DGE band and DGE + cocoons band, each band with its centre
function curves(x, c, lo, hi) {
  const mid = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) mid[i] = 0.5 * (lo[i] + hi[i]);
  return {x: x, cocoon: c, dge_lo: lo, dge_hi: hi, dge_mid: mid, total_lo: sum(lo, c), total_hi: sum(hi, c),
          total_mid: sum(mid, c)};
}

// smallest chi^2 of lo + t (hi - lo) + add at the points, t = 0, 0.01, ..., 1 (cocoonlib.sky.diffuse.best_chi2_in_band)
function bestChi2InBand(pts, lo, hi, add) {
  let best = Infinity;
  for (let k = 0; k <= 100; k++) {
    const t = k / 100;
    let chi2 = 0.0;
    for (let p = 0; p < pts.index.length; p++) {
      const i = pts.index[p];
      const r = lo[i] + t * (hi[i] - lo[i]) + (add === null ? 0.0 : add[i]) - pts.y[p];
      const e = r > 0 ? pts.err_hi[p] : pts.err_lo[p];
      chi2 += (r / e) * (r / e);
    }
    if (chi2 < best) best = chi2;
  }
  return best;
}

const numbers = {};

// gamma rays in the two LHAASO windows
const G = data.gamma;
const Qg = emissivity(G.operator[model]);
for (const w of G.windows) {
  const c = product(G.cocoon_factor[w], Qg);
  const band = G.dge[dgeKey + "|" + w];
  sources["gamma_" + w].data = curves(G.E, c, band.lo, band.hi);
  G.share_index.forEach((i, k) => {
    numbers[`share_${k}_${w}`] = c[i] / (c[i] + 0.5 * (band.lo[i] + band.hi[i]));
  });
  numbers["chi2_km2a_" + w] = bestChi2InBand(G.km2a[w], band.lo, band.hi, c);
  numbers["chi2_km2a_dge_" + w] = bestChi2InBand(G.km2a[w], band.lo, band.hi, null);
}

// neutrinos, all sky, per flavour
const N = data.neutrino;
const cn = product(N.cocoon_factor, emissivity(N.operator[model]));
const nb = N.dge[dgeKey];
sources.neutrino.data = curves(N.E, cn, nb.lo, nb.hi);

// B/C = (B_gal + chi0 B_coc) / (C_gal + chi0 C_coc) (cocoonlib.transport.bc.bc_from_basis)
const B = data.bc;
const coc = B.cocoon[formKey + "|" + iR0];
const nT = B.T.length;
const total = new Float64Array(nT), cocoonPart = new Float64Array(nT);
for (let i = 0; i < nT; i++) {
  const Cn = B.C_gal[i] + chi0 * coc.C[i];
  cocoonPart[i] = chi0 * coc.B[i] / Cn;
  total[i] = B.B_gal[i] / Cn + cocoonPart[i];
}
sources.bc.data = {x: B.T, total: total, cocoon: cocoonPart};
let chi2bc = 0.0;
const F = B.fitted, nbc = F.index.length;
for (let p = 0; p < nbc; p++) {
  const r = (total[F.index[p]] - F.y[p]) / F.sigma[p];
  chi2bc += r * r;
}
numbers.chi2_bc = chi2bc;
numbers.n_bc = nbc;

const names = Object.keys(numbers);
sources.numbers.data = {name: names, value: names.map((k) => numbers[k])};

// the numbers as the reader sees them
const pct = (x) => (100 * x).toPrecision(3) + " %";
const row = (label, f) => `<tr><th>${label}</th>` + G.windows.map((w) => `<td>${f(w)}</td>`).join("") + "</tr>";
document.getElementById(numbers_id).innerHTML =
  `<tr><th></th>` + G.windows.map((w) => `<th>${w} window</th>`).join("") + "</tr>" +
  row("cocoon share at 1 TeV", (w) => pct(numbers["share_0_" + w])) +
  row("cocoon share at 10 TeV", (w) => pct(numbers["share_1_" + w])) +
  row("&chi;&sup2; against LHAASO-KM2A, DGE + cocoons",
      (w) => `${numbers["chi2_km2a_" + w].toPrecision(3)} (${G.km2a[w].index.length} points)`) +
  row("&chi;&sup2; against LHAASO-KM2A, DGE alone", (w) => numbers["chi2_km2a_dge_" + w].toPrecision(3)) +
  `<tr><th>B/C: &chi;&sup2; of the ${nbc} points above ${B.T_min_fit} GeV/n</th><td colspan="${G.windows.length}">` +
  `${chi2bc.toPrecision(3)} (chapter 2's fit: chi0 = ${B.chi0_fit.toPrecision(3)} g cm&#8315;&sup2;, exponential, ` +
  `R0 = ${C.R0_TV[C.R0_default]} TV)</td></tr>`;

window.cocoonExploreComputeMs = performance.now() - t0;

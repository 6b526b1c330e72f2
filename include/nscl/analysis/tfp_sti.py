"""Share of TFP growth associated with science, technology and innovation (STI).

Method (docs/tfp.md, section "STI share of TFP growth"): a second-stage regression of yearly TFP
growth on a small number of STI proxies (R&D spending as % of GRDP, share of trained labour,
innovation counts such as patents/utility solutions or enterprises applying new technology),

    g_A,t = c + sum_j b_j * x_j,t + e_t,

estimated by ordinary least squares. The part of average TFP growth associated with STI is the
regressors' fitted contribution evaluated at the sample (or period) means,
``sum_j b_j * mean(x_j)``, expressed as a share of mean TFP growth. This is the usual
"determinants of TFP growth" decomposition used in the Vietnamese TFP literature (regressions
of TFP growth on R&D spending, exports and other determinants; see docs/tfp.md, Sources).

What it can claim with about ten annual observations: an association, with very wide
uncertainty. It cannot establish that STI caused the TFP growth, it cannot separate STI from
anything that trends with it (FDI, reallocation, business cycle), and with more than one or two
proxies it has too few degrees of freedom to say anything. The engine therefore refuses fits
with fewer than five residual degrees of freedom and always returns the Vietnamese caveat
:data:`CAVEAT_VI`, which reports must print next to the number.

Reliability (docs/tfp.md, section 5.1). The share is flagged ``reliable = False``, with the
reasons in ``reliability_note_vi``, when any of these holds:

1. a proxy barely varies: its coefficient of variation (sample standard deviation / |mean|, over
   the regression rows) is below :data:`MIN_PROXY_CV` (5 %). With one proxy the standard error
   of the share is exactly ``100 * (sigma / |mean g_A|) / (CV * sqrt(n - 1))`` (the slope's
   variance is sigma^2 / sum (x - mean x)^2), so it explodes as CV -> 0;
2. mean TFP growth over the selected years is not positive (the share has no meaning);
3. the share lies outside :data:`PLAUSIBLE_SHARE_RANGE_PCT` (0-100 %);
4. the 95 % confidence interval is wider than :data:`MAX_CI_WIDTH_PP` (100 percentage points);
5. the 95 % confidence interval contains 0, i.e. the STI contribution is not significantly
   different from zero at the 5 % level (equivalently its relative standard error exceeds
   1 / t_0.975, about 43 % with 8 residual degrees of freedom; NCHS treats estimates with a
   relative standard error above 30 % as unreliable).

``share_pct`` and the interval are still returned as computed, for the analyst.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nscl.analysis.tfp import TfpInputError, TfpResult

MIN_RESIDUAL_DF = 5

# Reliability rules (see the module docstring and docs/tfp.md, section 5.1).
MIN_PROXY_CV = 0.05
PLAUSIBLE_SHARE_RANGE_PCT = (0.0, 100.0)
MAX_CI_WIDTH_PP = 100.0

RELIABLE_NOTE_VI = (
    "Ước lượng đạt các tiêu chí tin cậy tối thiểu (biến đại diện có biến động đủ lớn, tỷ trọng trong "
    "khoảng 0-100%, khoảng tin cậy 95% không chứa 0 và rộng không quá {max_width} điểm phần trăm); "
    "kết quả vẫn chỉ phản ánh mối tương quan."
)
UNRELIABLE_NOTE_VI = (
    "KHÔNG ĐỦ TIN CẬY ĐỂ CÔNG BỐ: tỷ trọng đóng góp của KH,CN&ĐMST không xác định được một cách tin "
    "cậy từ số liệu hiện có vì {reasons}. Không nên đưa con số này vào báo cáo; cần bổ sung số liệu "
    "hoặc dùng biến đại diện khác."
)

CAVEAT_VI = (
    "Lưu ý phương pháp: tỷ trọng đóng góp của khoa học, công nghệ và đổi mới sáng tạo trong tăng "
    "trưởng TFP được ước lượng bằng hồi quy tốc độ tăng TFP theo {n} quan sát năm với {k} biến đại "
    "diện ({proxies}). Với số quan sát ít như vậy, kết quả chỉ phản ánh mối tương quan, không chứng "
    "minh quan hệ nhân quả; khoảng tin cậy 95% rất rộng ({ci}) và có thể thay đổi đáng kể khi bổ "
    "sung một năm số liệu. Không nên dùng con số này làm chỉ tiêu giao kế hoạch hay so sánh giữa "
    "các tỉnh."
)

PROXY_LABELS_VI = {
    "rd_share": "chi nghiên cứu và phát triển/GRDP",
    "trained_labour_share": "tỷ lệ lao động qua đào tạo",
    "innovation_index": "chỉ số đổi mới sáng tạo",
    "patents": "số văn bằng bảo hộ sở hữu công nghiệp",
}

# Two-sided 95% Student t critical values by degrees of freedom.
_T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip


def t_critical_95(df: int) -> float:
    """Two-sided 95% critical value of Student's t (table; conservative between entries)."""
    if df < 1:
        raise ValueError("df must be >= 1")
    keys = sorted(_T975)
    for key in keys:
        if df <= key:
            return _T975[key] if df == key else _T975[max(k for k in keys if k <= df)]
    return 1.96


@dataclass(frozen=True)
class StiShare:
    """Result of :func:`sti_share`; ``share_pct`` is the STI share of mean TFP growth (%)."""

    share_pct: float | None
    share_ci95_pct: tuple[float, float] | None
    mean_tfp_growth_pp: float
    sti_tfp_growth_pp: float
    coefficients: dict[str, float]
    std_errors: dict[str, float]
    r_squared: float
    n_obs: int
    residual_df: int
    proxies: list[str]
    caveat_vi: str
    years: list[int] = field(default_factory=list)
    reliable: bool = False
    reliability_note_vi: str = ""
    proxy_cv: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "share_pct": self.share_pct,
            "share_ci95_pct": list(self.share_ci95_pct) if self.share_ci95_pct else None,
            "mean_tfp_growth_pp": self.mean_tfp_growth_pp,
            "sti_tfp_growth_pp": self.sti_tfp_growth_pp,
            "coefficients": dict(self.coefficients),
            "std_errors": dict(self.std_errors),
            "r_squared": self.r_squared,
            "n_obs": self.n_obs,
            "residual_df": self.residual_df,
            "proxies": list(self.proxies),
            "years": list(self.years),
            "method": "ols_second_stage",
            "reliable": self.reliable,
            "reliability_note_vi": self.reliability_note_vi,
            "proxy_cv": {k: (v if math.isfinite(v) else None) for k, v in self.proxy_cv.items()},
            "caveat_vi": self.caveat_vi,
        }


def sti_share(
    tfp_growth: pd.Series | Sequence[float],
    proxies: pd.DataFrame,
    years: Sequence[int] | None = None,
) -> StiShare:
    """Regress TFP growth (pp) on STI proxies and return the STI share of mean TFP growth.

    ``tfp_growth`` and ``proxies`` are aligned row by row (one row per year). ``years``, if
    given, restricts the means used for the share to those years (e.g. a plan period); the
    regression always uses every row. Raises :class:`TfpInputError` when there are too few
    observations for the number of proxies.
    """
    y = np.asarray(tfp_growth, dtype=float)
    x = proxies.astype(float).to_numpy()
    names = [str(c) for c in proxies.columns]
    n, k = x.shape
    if len(y) != n:
        raise TfpInputError("Số năm của TFP và của các biến KH,CN&ĐMST không khớp")
    if k < 1:
        raise TfpInputError("Cần ít nhất một biến đại diện KH,CN&ĐMST")
    if not (np.isfinite(y).all() and np.isfinite(x).all()):
        raise TfpInputError("Biến KH,CN&ĐMST hoặc tăng trưởng TFP có giá trị thiếu")
    resid_df = n - k - 1
    if resid_df < MIN_RESIDUAL_DF:
        raise TfpInputError(
            f"Quá ít quan sát: {n} năm cho {k} biến đại diện (cần ít nhất {k + 1 + MIN_RESIDUAL_DF} "
            "năm); hãy giảm số biến hoặc bổ sung số liệu"
        )
    design = np.column_stack([np.ones(n), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    sigma2 = float(resid @ resid) / resid_df
    cov = sigma2 * np.linalg.pinv(design.T @ design)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else 0.0

    idx = np.arange(n)
    if years is not None:
        sel = [i for i, yr in enumerate(_row_years(proxies, n)) if yr in set(years)]
        if not sel:
            raise TfpInputError("Giai đoạn yêu cầu không có năm nào trong số liệu KH,CN&ĐMST")
        idx = np.asarray(sel)
    xbar = x[idx].mean(axis=0)
    mean_g = float(y[idx].mean())
    sti = float(beta[1:] @ xbar)
    grad = np.concatenate([[0.0], xbar])  # d(sti)/d(beta)
    sti_se = math.sqrt(max(float(grad @ cov @ grad), 0.0))
    tcrit = t_critical_95(resid_df)
    if abs(mean_g) < 1e-9:
        share, ci = None, None
    else:
        share = sti / mean_g * 100.0
        lo, hi = sorted(((sti - tcrit * sti_se) / mean_g * 100.0, (sti + tcrit * sti_se) / mean_g * 100.0))
        ci = (lo, hi)
    labels = ", ".join(PROXY_LABELS_VI.get(nm, nm) for nm in names)
    ci_text = "không xác định" if ci is None else f"từ {_vi(ci[0])}% đến {_vi(ci[1])}%"
    caveat = CAVEAT_VI.format(n=n, k=k, proxies=labels, ci=ci_text)
    cvs = {nm: _cv(x[:, j]) for j, nm in enumerate(names)}
    reasons = _unreliability_reasons(cvs, mean_g, share, ci)
    if reasons:
        note = UNRELIABLE_NOTE_VI.format(reasons="; ".join(reasons))
        # A consumer that prints only the caveat still shows the warning.
        caveat = note + " " + caveat
    else:
        note = RELIABLE_NOTE_VI.format(max_width=_vi(MAX_CI_WIDTH_PP, 0))
    return StiShare(
        share_pct=share,
        share_ci95_pct=ci,
        mean_tfp_growth_pp=mean_g,
        sti_tfp_growth_pp=sti,
        coefficients={nm: float(b) for nm, b in zip(["const", *names], beta, strict=True)},
        std_errors={
            nm: float(math.sqrt(max(v, 0.0))) for nm, v in zip(["const", *names], np.diag(cov), strict=True)
        },
        r_squared=r2,
        n_obs=n,
        residual_df=resid_df,
        proxies=names,
        caveat_vi=caveat,
        years=[int(v) for v in _row_years(proxies, n)[idx]] if _has_years(proxies) else [],
        reliable=not reasons,
        reliability_note_vi=note,
        proxy_cv=cvs,
    )


def _vi(value: float, ndigits: int = 1) -> str:
    """Number in Vietnamese notation: decimal comma, no thousands separator."""
    return f"{value:.{ndigits}f}".replace(".", ",")


def _cv(column: np.ndarray) -> float:
    """Coefficient of variation (sample sd / |mean|); inf when the mean is 0 but the sd is not."""
    sd = float(np.std(column, ddof=1))
    mean = abs(float(np.mean(column)))
    if sd == 0.0:
        return 0.0
    return sd / mean if mean > 0.0 else math.inf


def _unreliability_reasons(
    cvs: dict[str, float], mean_g: float, share: float | None, ci: tuple[float, float] | None
) -> list[str]:
    """The Vietnamese reasons why the share must not be published (empty list: reliable)."""
    reasons = [
        f"biến đại diện {PROXY_LABELS_VI.get(nm, nm)} gần như không thay đổi qua các năm (hệ số biến "
        f"thiên {_vi(cv * 100, 2)}%, dưới ngưỡng {_vi(MIN_PROXY_CV * 100, 0)}%), nên không thể tách "
        "được tác động của nó"
        for nm, cv in cvs.items()
        if cv < MIN_PROXY_CV
    ]
    if mean_g <= 0.0 or share is None or ci is None:
        reasons.append("tăng trưởng TFP bình quân không dương nên tỷ trọng không có ý nghĩa")
        return reasons
    lo_ok, hi_ok = PLAUSIBLE_SHARE_RANGE_PCT
    if not lo_ok <= share <= hi_ok:
        reasons.append(
            f"tỷ trọng ước lượng ({_vi(share)}%) nằm ngoài khoảng hợp lý {_vi(lo_ok, 0)}-{_vi(hi_ok, 0)}%"
        )
    width = ci[1] - ci[0]
    if width > MAX_CI_WIDTH_PP:
        reasons.append(
            f"khoảng tin cậy 95% ({_vi(ci[0])}% đến {_vi(ci[1])}%) rộng {_vi(width)} điểm phần trăm, "
            f"vượt ngưỡng {_vi(MAX_CI_WIDTH_PP, 0)} điểm"
        )
    if ci[0] <= 0.0 <= ci[1]:
        reasons.append(
            "khoảng tin cậy 95% chứa 0, tức là mối liên hệ với tăng trưởng TFP không có ý nghĩa "
            "thống kê ở mức 5%"
        )
    return reasons


def _has_years(frame: pd.DataFrame) -> bool:
    return frame.index.name == "year"


def _row_years(frame: pd.DataFrame, n: int) -> np.ndarray:
    if _has_years(frame):
        return np.asarray(frame.index, dtype=int)
    return np.arange(n)


def sti_share_from_result(
    result: TfpResult,
    inputs: pd.DataFrame,
    proxy_columns: Sequence[str],
    period: tuple[int, int] | None = None,
) -> StiShare:
    """Convenience: join the engine's yearly TFP contributions with proxy columns of ``inputs``.

    ``inputs`` must have a ``year`` column and the ``proxy_columns`` (for example ``rd_share``,
    ``trained_labour_share``). ``period`` restricts the means used for the share.
    """
    missing = [c for c in ("year", *proxy_columns) if c not in inputs.columns]
    if missing:
        raise TfpInputError("Thiếu cột biến KH,CN&ĐMST: " + ", ".join(missing))
    tfp = pd.Series({r["year"]: r["contribution_tfp_pp"] for r in result.years}, name="tfp")
    prox = inputs.set_index(inputs["year"].astype(int))[list(proxy_columns)]
    joined = prox.join(tfp, how="inner").dropna()
    joined.index.name = "year"
    years = None if period is None else list(range(period[0], period[1] + 1))
    return sti_share(joined["tfp"], joined[list(proxy_columns)], years=years)

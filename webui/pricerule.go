package webui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ocophub/catalog"
)

// The price rule form of a shop on the shops page: a kind (none, percent,
// amount), a direction (up, down) and a magnitude, so a phone's numeric
// keyboard (which often lacks a minus) is enough, and a rounding step.
const (
	priceKindField      = "price_kind"
	priceDirectionField = "price_direction"
	priceValueField     = "price_value"
	priceRoundField     = "price_round_to"
)

// priceRuleFields maps the rule's field names (as the store and the API
// name them) to the form's.
var priceRuleFields = map[string]string{"kind": priceKindField, "value": priceValueField, "round_to": priceRoundField}

// priceExampleBase is the catalog price the form's example moves.
const priceExampleBase catalog.VND = 100000

// priceRuleForm is a shop's price rule as the form shows it.
func priceRuleForm(sh catalog.Shop) *form {
	r := sh.PriceRule
	direction, value := "up", ""
	if r.Value < 0 {
		direction = "down"
	}
	if !r.IsZero() {
		value = strconv.FormatInt(max(r.Value, -r.Value), 10)
	}
	round := r.RoundTo
	if round == 0 {
		round = 1000
	}
	return newForm(map[string][]string{
		"version":           {strconv.FormatInt(sh.Version, 10)},
		priceKindField:      {string(r.Kind)},
		priceDirectionField: {direction},
		priceValueField:     {value},
		priceRoundField:     {strconv.FormatInt(int64(round), 10)},
	})
}

// postedPriceRule reads the rule from the form; a value that is not a
// number is an error beside its field (nothing is saved).
func postedPriceRule(p *page, f *form) catalog.PriceRule {
	r := catalog.PriceRule{Kind: catalog.PriceRuleKind(f.Value(priceKindField))}
	if r.IsZero() {
		return r // no rule: the value and rounding typed do not matter
	}
	round, err := strconv.ParseInt(f.Value(priceRoundField), 10, 64)
	if err != nil {
		f.Errors[priceRoundField] = p.T("field.price_round_to")
	}
	r.RoundTo = catalog.VND(round)
	s := strings.TrimSpace(f.Value(priceValueField))
	var n int64
	switch r.Kind {
	case catalog.PriceRulePercent:
		n, err = strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(s, "%")), 10, 64)
	case catalog.PriceRuleAmount:
		var v catalog.VND
		v, err = catalog.ParseVND(strings.TrimPrefix(s, "-"))
		if n = int64(v); strings.HasPrefix(s, "-") {
			n = -n
		}
	}
	if err != nil || s == "" {
		f.Errors[priceValueField] = priceValueMessage(p, r.Kind)
	}
	if f.Value(priceDirectionField) == "down" {
		n = -n
	}
	r.Value = n
	return r
}

// priceValueMessage is the value field's message for the kind chosen.
func priceValueMessage(p *page, kind catalog.PriceRuleKind) string {
	if kind == catalog.PriceRuleAmount {
		return p.T("field.price_value_amount")
	}
	return p.T("field.price_value_percent")
}

// priceRuleText says a rule in the page's language: "Giá danh mục +10 %,
// làm tròn 1.000 ₫".
func priceRuleText(p *page, r catalog.PriceRule) string {
	switch r.Kind {
	case catalog.PriceRulePercent:
		return p.T("price_rule.text_percent", "Value", signed(r.Value)+" %", "Round", r.RoundTo.String())
	case catalog.PriceRuleAmount:
		return p.T("price_rule.text_amount", "Value", signed(r.Value)+" ₫", "Round", r.RoundTo.String())
	}
	return p.T("price_rule.none")
}

// signed is n with its sign and thousands grouped: "+10", "−5.000".
func signed(n int64) string {
	if n < 0 {
		return "−" + strings.TrimSuffix(catalog.VND(-n).String(), " ₫")
	}
	return "+" + strings.TrimSuffix(catalog.VND(n).String(), " ₫")
}

// shopPriceRule saves a shop's price rule from the shops page; a refused
// rule comes back beside its fields with what was typed.
func (ui *UI) shopPriceRule(c *gin.Context) {
	f, p := ui.postedForm(c, "shops", "shops.title")
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	rule := postedPriceRule(p, f)
	version, err := strconv.ParseInt(f.Value("version"), 10, 64)
	if err != nil {
		f.Message = p.T("error.conflict")
	}
	if len(f.Errors) == 0 && f.Message == "" {
		if _, err = ui.d.Commands.SetPriceRule(c.Request.Context(), id, version, rule); err == nil {
			back(c, "/shops#shop-"+strconv.FormatInt(id, 10), "price_rule_saved")
			return
		}
		if !f.addErrors(p, renameFields(err, priceRuleFields)) {
			f.Message = errorMessage(p, err)
		}
		if _, bad := f.Errors[priceValueField]; bad {
			f.Errors[priceValueField] = priceValueMessage(p, rule.Kind)
		}
	}
	ui.showShopsRefused(c, http.StatusUnprocessableEntity, id, nil, f)
}

// renameFields renames a coded error's fields by names (others are kept).
func renameFields(err error, names map[string]string) error {
	var ce *catalog.Error
	if !errors.As(err, &ce) || len(ce.Fields) == 0 {
		return err
	}
	out := *ce
	out.Fields = map[string]string{}
	for k, v := range ce.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		out.Fields[k] = v
	}
	return &out
}

// shopPricesByVariant is the price every shop of the product's co-op
// shows for each variant, and where it comes from (rule, the listing's
// own price, a running campaign), by variant id: what the product page's
// "shop_prices" partial draws (templates/_shop_prices.html).
func (ui *UI) shopPricesByVariant(ctx context.Context, productID int64) (map[int64][]catalog.ShopPrice, error) {
	prices, err := ui.d.Store.ShopPrices(ctx, productID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]catalog.ShopPrice{}
	for _, sp := range prices {
		out[sp.VariantID] = append(out[sp.VariantID], sp)
	}
	return out, nil
}

package drivertest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"ocophub/connectors"
	"ocophub/connectors/driver"
)

// leafNamed finds the leaf category with this exact (Vietnamese) name.
func leafNamed(t *testing.T, cats []driver.Category, name string) driver.Category {
	t.Helper()
	for _, c := range cats {
		if c.Leaf && c.Name == name {
			return c
		}
	}
	t.Fatalf("no leaf category %q in %+v", name, cats)
	return driver.Category{}
}

// teaCategory is the listing content a tea needs on the platform: the
// "Trà" leaf and a value for every mandatory attribute.
func teaCategory(t *testing.T, s *Shop) (string, map[string]string) {
	t.Helper()
	cats, err := s.Channel.Categories(ctx(t))
	require.NoError(t, err, "categories")
	tea := leafNamed(t, cats, "Trà")
	attrs, err := s.Channel.CategoryAttributes(ctx(t), tea.ID)
	require.NoError(t, err, "attributes of %s", tea.ID)
	return tea.ID, fill(attrs, nil)
}

// fill gives every mandatory attribute but those in skip a plausible value.
func fill(attrs []driver.Attribute, skip map[string]bool) map[string]string {
	values := map[string]string{}
	for _, a := range attrs {
		if !a.Mandatory || skip[a.ID] {
			continue
		}
		switch {
		case a.InputType == driver.InputNumber:
			values[a.ID] = "100"
		case len(a.Options) > 0:
			values[a.ID] = a.Options[0]
		default:
			values[a.ID] = "Thái Nguyên, Việt Nam"
		}
	}
	return values
}

// testCategoriesAndAttributes: the tree holds the OCOP groups' leaves with
// Vietnamese names, parents are known, and attributes say what is
// mandatory.
func testCategoriesAndAttributes(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	cats, err := s.Channel.Categories(ctx(t))
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, c := range cats {
		require.NotEmpty(t, c.ID)
		require.NotEmpty(t, c.Name)
		ids[c.ID] = true
	}
	for _, c := range cats {
		if c.ParentID != "" {
			require.True(t, ids[c.ParentID], "parent %s of %s is in the tree", c.ParentID, c.Name)
		}
	}
	for _, name := range []string{"Trà", "Cà phê", "Mật ong", "Trái cây sấy", "Gạo", "Gia vị", "Đồ thủ công mỹ nghệ"} {
		leafNamed(t, cats, name)
	}
	attrs, err := s.Channel.CategoryAttributes(ctx(t), leafNamed(t, cats, "Trà").ID)
	require.NoError(t, err)
	for _, a := range attrs {
		require.NotEmpty(t, a.ID)
		require.NotEmpty(t, a.Name)
		require.Contains(t, []string{driver.InputText, driver.InputNumber, driver.InputSelect}, a.InputType)
	}
	if !s.Driver.Capabilities().CategoriesPerShop {
		// A platform tree (Shopee, Lazada, mem) asks a tea for its brand,
		// origin and net weight.
		var mandatory []string
		for _, a := range attrs {
			if a.Mandatory {
				mandatory = append(mandatory, a.Name)
			}
		}
		require.Subset(t, mandatory, []string{"Thương hiệu", "Xuất xứ", "Khối lượng tịnh"})
	}
}

// countingDriver counts category calls that reach the driver.
type countingDriver struct {
	driver.Driver
	trees, attrs atomic.Int32
}

func (d *countingDriver) Categories(ctx context.Context) ([]driver.Category, error) {
	d.trees.Add(1)
	return d.Driver.Categories(ctx)
}

func (d *countingDriver) CategoryAttributes(ctx context.Context, id string) ([]driver.Attribute, error) {
	d.attrs.Add(1)
	return d.Driver.CategoryAttributes(ctx, id)
}

// testCategoriesAreCached: two channels sharing Options' cache ask the
// platform once per TTL.
func testCategoriesAreCached(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	now := time.Now()
	cache := &connectors.CategoryCache{TTL: time.Hour, Now: func() time.Time { return now }}
	counting := &countingDriver{Driver: s.Driver}
	opts := connectors.Options{Categories: cache}
	a, b := connectors.New(counting, s.Tokens, opts), connectors.New(counting, s.Tokens, opts)
	first, err := a.Categories(ctx(t))
	require.NoError(t, err)
	second, err := b.Categories(ctx(t))
	require.NoError(t, err)
	require.Equal(t, first, second)
	require.EqualValues(t, 1, counting.trees.Load(), "the second channel used the cache")
	tea := leafNamed(t, first, "Trà").ID
	for range 3 {
		_, err := b.CategoryAttributes(ctx(t), tea)
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, counting.attrs.Load())

	now = now.Add(time.Hour)
	_, err = a.Categories(ctx(t))
	require.NoError(t, err)
	require.EqualValues(t, 2, counting.trees.Load(), "a stale tree is fetched again")
}

// testCreateRefusesBadCategories: an unknown category, a category that is
// not a leaf and a missing mandatory attribute are the platform's refusal
// (InvalidArgument), and nothing is created.
func testCreateRefusesBadCategories(t *testing.T, h Harness) {
	s := connectShop(t, h, DriverOptions{})
	img, err := s.Channel.UploadImage(ctx(t), "che.png", png)
	require.NoError(t, err)
	cats, err := s.Channel.Categories(ctx(t))
	require.NoError(t, err)
	tea := leafNamed(t, cats, "Trà")
	attrs, err := s.Channel.CategoryAttributes(ctx(t), tea.ID)
	require.NoError(t, err)
	listing := func(category string, values map[string]string) driver.Listing {
		return driver.Listing{Title: "Chè Tân Cương", Description: "Chè búp", CategoryID: category, Attributes: values,
			Images: []string{img}, Active: true, Variants: []driver.Variant{{SellerSKU: "CAT-0", Name: "Hộp 100g",
				Price: 95000, Stock: 3, WeightG: 100, LengthMM: 100, WidthMM: 80, HeightMM: 60}}}
	}
	_, err = s.Channel.CreateListing(ctx(t), listing("987654321", fill(attrs, nil)))
	require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "unknown category: %v", err)
	for _, c := range cats {
		if !c.Leaf {
			_, err = s.Channel.CreateListing(ctx(t), listing(c.ID, fill(attrs, nil)))
			require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "category %s is not a leaf: %v", c.Name, err)
			break
		}
	}
	for _, a := range attrs {
		if a.Mandatory && a.ID != "brand" { // drivers may send a platform's "No Brand"
			_, err = s.Channel.CreateListing(ctx(t), listing(tea.ID, fill(attrs, map[string]bool{a.ID: true})))
			require.Equal(t, driver.CodeInvalidArgument, driver.CodeOf(err), "without %s: %v", a.Name, err)
		}
	}
	_, err = s.Channel.FindBySellerSKU(ctx(t), "CAT-0")
	require.Equal(t, driver.CodeNotFound, driver.CodeOf(err), "nothing was created")

	made, err := s.Channel.CreateListing(ctx(t), listing(tea.ID, fill(attrs, nil)))
	require.NoError(t, err)
	found, err := s.Channel.FindBySellerSKU(ctx(t), "CAT-0")
	require.NoError(t, err)
	require.Equal(t, made.ItemID, found.ItemID)
	require.Equal(t, tea.ID, found.CategoryID, "the item is in the chosen category")
}
